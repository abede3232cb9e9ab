"""Each check stored as evidence, one transaction per account; a second run changes nothing."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from domain.posting import IsoWeek
from models.tables import RuleCheck
from services.app import Srok
from services.audit import AUDIT
from services.rule_evidence import FINDING, run_standing_rules, stored_checks
from services.settings import Settings
from tests.conftest import TODAY, copy_database
from tests.networks.city import Fakes, city, clients_for, running_fakes

WEEK = IsoWeek(2026, 48)


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    yield from running_fakes()


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Iterator[Srok]:
    copy_database(sqlite_template, tmp_path)
    application = Srok(
        dataclasses.replace(Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY),
        actor="standing-rules",
    )
    yield application
    application.close()


def run(app: Srok, fakes: Fakes) -> list[dict[str, object]]:
    clients = clients_for(fakes)
    try:
        return [
            r.as_dict()
            for r in run_standing_rules(app=app, clients=clients, week=WEEK, today=TODAY)
        ]
    finally:
        clients.close()


def findings(app: Srok) -> list[tuple[str | None, int | None]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(AUDIT.c.clause, AUDIT.c.account_id).where(AUDIT.c.action == FINDING)
        )
        return sorted(tuple(r) for r in rows)  # type: ignore[misc]


def test_every_check_is_stored_with_the_hash_of_the_answers_and_findings_are_audited(
    app: Srok, fakes: Fakes
) -> None:
    with app.transaction() as session:
        ids = city(session, app.calendar, fakes)

    run(app, fakes)

    with app.transaction() as session:
        rows = {(r.account_id, r.rule): r for r in stored_checks(session=session, week=WEEK)}
    assert len(rows) == 12
    short = rows[(ids["ok"], "2.1")]
    assert (short.checked, short.ok, json.loads(short.figures)["posts"]) == (True, False, 6)
    assert short.answers_sha256 is not None and len(short.answers_sha256) == 64
    assert short.requests == 2
    assert rows[(ids["max"], "2.1")].answers_sha256 is None
    assert rows[(ids["max"], "2.1")].reason == "не проверено: нет токена (SROK_MAX_TOKEN)"
    assert findings(app) == sorted(
        [
            ("2.1", ids["ok"]),
            ("2.4", ids["ok"]),
            ("2.1", ids["telegram_open"]),
            ("2.4", ids["telegram_open"]),
        ]
    )


def test_a_second_run_the_same_week_stores_and_audits_nothing_new(app: Srok, fakes: Fakes) -> None:
    with app.transaction() as session:
        city(session, app.calendar, fakes)
    first = run(app, fakes)
    with app.transaction() as session:
        before = [r.model_dump() for r in stored_checks(session=session, week=WEEK)]

    second = run(app, fakes)

    with app.transaction() as session:
        after = [r.model_dump() for r in stored_checks(session=session, week=WEEK)]
    assert second == first
    assert after == before
    assert len(findings(app)) == 4


def test_a_check_that_failed_is_replaced_by_a_later_one_that_answered_never_the_reverse(
    app: Srok, fakes: Fakes
) -> None:
    with app.transaction() as session:
        ids = city(session, app.calendar, fakes)
    fakes.vk.faults += ["500", "500"]
    run(app, fakes)
    with app.transaction() as session:
        failed = session.exec(select(RuleCheck).where(RuleCheck.account_id == ids["vk"])).all()
    assert {r.checked for r in failed} == {False}

    run(app, fakes)
    fakes.vk.faults += ["500", "500"]
    run(app, fakes)

    with app.transaction() as session:
        kept = session.exec(select(RuleCheck).where(RuleCheck.account_id == ids["vk"])).all()
    assert [(r.rule, r.checked, r.ok) for r in kept] == [("2.1", True, True), ("2.4", True, True)]


def test_no_transaction_is_held_while_a_network_is_asked(app: Srok, fakes: Fakes) -> None:
    with app.transaction() as session:
        ids = city(session, app.calendar, fakes)
    database = app.sqlite_file()
    assert database is not None
    written: list[str] = []

    def write_meanwhile(path: str) -> None:
        # The OK account comes second: the VK account's results are stored by now.
        with sqlite3.connect(database, timeout=0.2) as other:
            other.execute("UPDATE organ SET phone = phone WHERE id = 1")
        written.append(path)

    fakes.ok.on_request = write_meanwhile
    run(app, fakes)

    assert written == ["/fb.do", "/fb.do"]
    assert ids["vk"] < ids["ok"]


def test_a_description_mended_after_a_finding_closes_it_in_the_audit_trail_once(
    app: Srok,
) -> None:
    from datetime import UTC, datetime

    from services.audit import log
    from services.rule_evidence import FINDING_CLOSED, store_checks
    from services.rules import RuleResult
    from tests.services.helpers import account, organ

    with app.transaction() as session:
        made = organ(session)
        acc = account(session, app.calendar, made.id or 0).id or 0
    now = datetime(2026, 12, 1, 1, tzinfo=UTC)
    wanting = RuleResult(acc, "2.4", True, False, figures={"missing": ["phone"]})
    complete = RuleResult(acc, "2.4", True, True, figures={"missing": []})

    for week, result in ((46, complete), (47, wanting), (48, complete), (49, complete)):
        with app.transaction() as session:
            store_checks(session=session, results=[result], week=IsoWeek(2026, week), now=now)

    with app.engine.connect() as conn:
        closed = conn.execute(
            sa.select(AUDIT.c.clause, AUDIT.c.after).where(AUDIT.c.action == FINDING_CLOSED)
        ).all()
    assert [(c, json.loads(a)["week"]) for c, a in closed] == [("2.4", "2026-W48")]
    with app.transaction() as session:
        told = [e["words"] for e in log(session, account_id=acc) if "замечание" in e["words"]]
    assert any("замечание к описанию аккаунта устранено; п. 2.4" in t for t in told)
