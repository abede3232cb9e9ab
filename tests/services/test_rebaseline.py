"""A calendar change moves open due dates only when asked, and records each move."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.deadlines import DateRule
from models.tables import Step
from services.accounts import create_account
from services.calendar_source import build_calendar, draft_toml
from services.events import record_notice
from services.rebaseline import rebaseline
from tests.services.helpers import ACTOR, account, organ


def _confirmed_2027(tmp_path: Path, *, extra_day_off: str) -> WorkingCalendar:
    draft = draft_toml(2027).replace("от ДД.ММ.ГГГГ № ...", "от 01.09.2026 № 9999 (проверка)")
    draft = draft.replace('    "2027-01-08",\n', f'    "2027-01-08",\n    "{extra_day_off}",\n')
    (tmp_path / "calendar.toml").write_text(draft, encoding="utf-8")
    return build_calendar(tmp_path / "calendar.toml")


def test_a_new_decree_moves_open_due_dates_only_when_applied(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    o = organ(session)
    late_december = date(2026, 12, 30)

    def create(network: str, url: str):  # type: ignore[no-untyped-def]
        return create_account(
            session=session,
            calendar=calendar,
            organ_id=o.id or 0,
            network_code=network,
            url=url,
            created_on=date(2026, 12, 28),
            specialist_ids=[],
            actor=ACTOR,
            today=late_december,
        )

    open_account, closed_account = create("vk", "https://vk.com/k"), create("ok", "https://ok.ru/k")
    record_notice(
        session=session,
        calendar=calendar,
        account_id=closed_account.id or 0,
        on=date(2026, 12, 29),
        received_on=None,
        actor=ACTOR,
        today=late_december,
    )
    session.commit()
    # 3.1 from 28.12.2026: 29.12, 30.12, 11.01 -> due 11.01.2027 (provisional)
    new = _confirmed_2027(tmp_path, extra_day_off="2027-01-11")

    preview = rebaseline(session=session, calendar=new, rule=DateRule.ART_193, dry_run=True)
    session.commit()
    unchanged = session.exec(
        select(Step).where(Step.account_id == open_account.id, Step.clause == "3.1")
    ).one()
    assert unchanged.due == date(2027, 1, 11) and unchanged.provisional

    applied = rebaseline(session=session, calendar=new, rule=DateRule.ART_193, dry_run=False)
    session.commit()

    moved = {(m.account_id, m.clause): (m.old_due, m.new_due) for m in applied}
    assert preview == applied
    assert moved[(open_account.id, "3.1")] == ("2027-01-11", "2027-01-12")
    assert (closed_account.id, "3.1") not in moved  # closed: keeps the date it was judged by
    session.expire_all()
    step = session.exec(
        select(Step).where(Step.account_id == open_account.id, Step.clause == "3.1")
    ).one()
    assert (step.due, step.provisional, step.calendar_version) == (
        date(2027, 1, 12),
        False,
        new.version,
    )
    with engine.connect() as conn:
        actions = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT action FROM audit_entry ORDER BY id DESC LIMIT 20"
            )
        ]
        change = conn.exec_driver_sql(
            "SELECT after FROM audit_entry WHERE action = 'calendar.changed'"
        ).scalar()
    assert "step.rebaselined" in actions and actions[0] == "calendar.changed"
    assert json.loads(change)["moved_steps"] == len(applied)


def test_an_unchanged_calendar_moves_nothing(session: Session, calendar: WorkingCalendar) -> None:
    o = organ(session)
    account(session, calendar, o.id or 0, created_on=date(2026, 11, 20))

    assert (
        rebaseline(session=session, calendar=calendar, rule=DateRule.ART_193, dry_run=False) == []
    )
