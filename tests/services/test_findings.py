"""Findings of п. 2.1 and 2.4 reach the specialists once, through the reminders."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder, RuleCheck, Step
from services.delivery import deliver
from services.findings import open_finding_steps
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import account, organ, specialist

IT = "it@example.invalid"
MONDAY = date(2026, 11, 30)  # the first working day after 2026-W48


def _check(session: Session, account_id: int, rule: str, week: str, **figures: object) -> None:
    session.add(
        RuleCheck(
            account_id=account_id,
            rule=rule,
            week=week,
            checked=True,
            ok=False,
            figures=json.dumps(figures, ensure_ascii=False),
        )
    )
    session.flush()


def _city(session: Session, calendar: WorkingCalendar) -> int:
    o = organ(session)
    person = specialist(session, o.id or 0)
    a = account(
        session, calendar, o.id or 0, created_on=date(2026, 9, 1), specialist_ids=[person.id or 0]
    )
    return a.id or 0


def _findings_queued(session: Session) -> list[tuple[str, date]]:
    return [
        (clause, on)
        for clause, on in session.execute(
            sa.select(Step.clause, Reminder.on_date)
            .join(Step, Step.id == Reminder.step_id)  # type: ignore[arg-type]
            .where(Step.clause.in_(("2.1", "2.4")))  # type: ignore[attr-defined]
            .order_by(Reminder.on_date)  # type: ignore[arg-type]
        )
    ]


def test_a_short_week_is_told_once_on_the_next_monday_with_its_count(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    _check(session, a, "2.1", "2026-W48", posts=6, required=8)

    for day in (MONDAY, date(2026, 12, 1), date(2026, 12, 2)):
        open_finding_steps(session=session, calendar=calendar)
        plan_reminders(session=session, calendar=calendar, as_of=day, it_mailbox=IT)
    session.commit()
    notifier = RecordingNotifier()
    deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    assert _findings_queued(session) == [("2.1", MONDAY)]
    (step,) = session.exec(select(Step).where(Step.clause == "2.1")).all()
    assert step.done_on == MONDAY and step.cycle_id is None
    (letter,) = [m for m in notifier.sent if "п. 2.1" in m.subject]
    assert letter.to == ("test1@example.invalid",)
    assert letter.subject.startswith("Замечание: размещать в аккаунте не менее 8 публикаций")
    assert "6 публикаций из 8" in letter.text and "23.11.2026–29.11.2026" in letter.text
    assert "Срок:" not in letter.text


def test_a_description_finding_is_told_again_only_when_it_changes(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)

    _check(session, a, "2.4", "2026-W47", missing=["phone"])
    first = open_finding_steps(session=session, calendar=calendar)
    _check(session, a, "2.4", "2026-W48", missing=["phone"])
    same = open_finding_steps(session=session, calendar=calendar)
    _check(session, a, "2.4", "2026-W49", missing=["email", "phone"])
    changed = open_finding_steps(session=session, calendar=calendar)

    assert (first, same, changed) == (1, 0, 1)


def test_a_week_not_checked_is_no_finding(session: Session, calendar: WorkingCalendar) -> None:
    a = _city(session, calendar)
    session.add(
        RuleCheck(account_id=a, rule="2.1", week="2026-W48", checked=False, reason="нет токена")
    )
    session.flush()

    opened = open_finding_steps(session=session, calendar=calendar)

    assert opened == 0
