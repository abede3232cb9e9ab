"""Two moderators decide the same comment at the same moment: one decision stands, once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.errors import RuleViolation
from models.db import transaction
from services.audit import AUDIT
from services.moderation import DECIDED, decide
from tests.services.helpers import account, organ
from tests.services.test_moderation_decisions import comment

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def test_two_decisions_at_once_on_one_comment_record_one(
    engine: sa.Engine, calendar: object
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's one writer makes the second fail; PostgreSQL lets both read")
    with transaction(engine) as session:
        organ_id = organ(session).id or 0
        account_id = account(session, calendar, organ_id).id or 0  # type: ignore[arg-type]
        cid = comment(session, account_id, 1)
    first_decided, outcomes = threading.Event(), {}

    def first() -> None:
        with transaction(engine) as session:
            decide(session=session, comment_id=cid, decision="removed", actor="a", now=NOW)
            first_decided.set()
            threading.Event().wait(0.7)  # the second reads the comment meanwhile
        outcomes["first"] = "ok"

    def second() -> None:
        first_decided.wait(5)
        try:
            with transaction(engine) as session:
                decide(
                    session=session,
                    comment_id=cid,
                    decision="kept",
                    reason="не нарушает",
                    actor="b",
                    now=NOW,
                )
            outcomes["second"] = "ok"
        except RuleViolation as error:
            outcomes["second"] = error.field

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)

    with Session(engine) as session:
        entries = session.execute(
            sa.select(sa.func.count()).select_from(AUDIT).where(AUDIT.c.action == DECIDED)
        ).scalar_one()
        state = session.execute(sa.text("SELECT state FROM comment WHERE id = :i"), {"i": cid})
        assert (outcomes, entries, state.scalar_one()) == (
            {"first": "ok", "second": "id"},
            1,
            "removed",
        )
