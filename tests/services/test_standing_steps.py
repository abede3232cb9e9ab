"""Required accounts (п. 1.2) and quarterly protection (п. 1.6): steps with reminders."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from domain.quarter import Quarter
from domain.standing import ProtectionAnswer
from models.tables import AuditEntry, Reminder, Step
from services.delivery import deliver
from services.protection import confirm_protection, open_protection_steps
from services.reminders import plan_reminders
from services.required import add_required, list_required
from tests.fakes import RecordingNotifier
from tests.services.helpers import ACTOR, TODAY, account, organ, specialist

IT = "it@example.invalid"
ANSWER = ProtectionAnswer(True, 2, "сейф кабинета 12")


def _require(
    session: Session, organ_id: int, *, network: str = "ok", due: date = date(2026, 11, 30)
):  # type: ignore[no-untyped-def]
    return add_required(
        session=session,
        organ_id=organ_id,
        network=network,
        resolution_number="1234",
        resolution_date=date(2026, 10, 1),
        due=due,
        actor=ACTOR,
        today=TODAY,
    )


def test_a_required_account_not_yet_created_is_overdue_and_reminds_the_organ(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    _require(session, o.id or 0, due=date(2026, 11, 30))
    session.commit()

    report = plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 12, 1), it_mailbox=IT
    )
    session.commit()
    notifier = RecordingNotifier()
    delivered = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    assert report.queued == 1
    (reminder,) = session.exec(select(Reminder)).all()
    assert reminder.account_id is None and json.loads(reminder.mailboxes) == [
        "kultura@example.invalid"
    ]
    assert delivered.ok and len(notifier.sent) == 1
    (message,) = notifier.sent
    assert "(Одноклассники) (п. 1.2)" in message.subject
    assert "Аккаунт ещё не создан: Комитет по культуре, Одноклассники" in message.text
    assert "постановлением Администрации города от 01.10.2026 № 1234" in message.text
    (row,) = list_required(session)
    assert row.missing


def test_creating_the_account_closes_the_requirement_and_its_reminders_stop(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    required = _require(session, o.id or 0, network="vk")

    created = account(session, calendar, o.id or 0, created_on=date(2026, 11, 25))
    session.commit()

    step = session.get(Step, required.step_id)
    assert step is not None and step.done_on == date(2026, 11, 25)
    assert required.account_id == created.id
    report = plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 12, 1), it_mailbox=IT
    )
    assert report.open_steps == 2  # the new account's 3.1 and 1.4; nothing of 1.2
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.clause == "1.2")).all()
    assert actions == ["step.opened", "step.closed"]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("--network", {"network": "facebook"}),
        ("--due", {"due": date(2026, 9, 1)}),
    ],
)
def test_a_bad_requirement_names_the_field_and_clause_1_2(
    session: Session, field: str, kwargs: dict[str, object]
) -> None:
    o = organ(session)

    with pytest.raises(RuleViolation) as error:
        _require(session, o.id or 0, **kwargs)  # type: ignore[arg-type]

    assert error.value.field == field and error.value.clause == "1.2"


def test_the_same_requirement_twice_is_refused(session: Session) -> None:
    o = organ(session)
    _require(session, o.id or 0)

    with pytest.raises(RuleViolation, match="уже записано"):
        _require(session, o.id or 0)


def test_every_active_account_gets_one_protection_step_a_quarter(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 9, 1))

    first = open_protection_steps(session=session, calendar=calendar, as_of=TODAY, working_days=10)
    second = open_protection_steps(session=session, calendar=calendar, as_of=TODAY, working_days=10)

    assert (first, second) == (1, 0)
    (step,) = session.exec(select(Step).where(Step.clause == "1.6", Step.account_id == a.id)).all()
    # 01.10.2026 plus ten working days: 2–15 October (weekends skipped).
    assert step.due == date(2026, 10, 15)
    assert "правило srok, а не срок Порядка" in (step.explanation or "")


def test_an_unconfirmed_account_gets_the_overdue_reminder_of_any_step(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    person = specialist(session, o.id or 0)
    account(
        session, calendar, o.id or 0, created_on=date(2026, 9, 1), specialist_ids=[person.id or 0]
    )
    open_protection_steps(
        session=session, calendar=calendar, as_of=date(2026, 10, 14), working_days=10
    )

    plan_reminders(session=session, calendar=calendar, as_of=date(2026, 10, 14), it_mailbox=IT)

    kinds = session.exec(select(Reminder.kind).join(Step).where(Step.clause == "1.6")).all()
    assert kinds == ["heads_up"]


def test_confirming_closes_the_quarters_step_and_a_second_confirmation_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 9, 1))
    kw = {
        "session": session,
        "calendar": calendar,
        "account_id": a.id or 0,
        "answer": ANSWER,
        "on": date(2026, 11, 30),
        "quarter": Quarter(2026, 4),
        "working_days": 10,
        "actor": ACTOR,
        "today": TODAY,
    }

    confirm_protection(**kw)  # type: ignore[arg-type]

    (step,) = session.exec(select(Step).where(Step.clause == "1.6")).all()
    assert step.done_on == date(2026, 11, 30) and step.due == date(2026, 10, 15)
    with pytest.raises(RuleViolation, match="уже подтверждена"):
        confirm_protection(**kw)  # type: ignore[arg-type]
    entries = session.exec(
        select(AuditEntry.after).where(AuditEntry.action == "event.protection_confirmed")
    ).all()
    assert len(entries) == 1 and "сейф" not in (entries[0] or "")


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (ProtectionAnswer(False, 2, "сейф"), "--two-factor"),
        (ProtectionAnswer(True, 4, "сейф"), "--people"),
        (ProtectionAnswer(True, 2, " "), "--credentials-kept"),
    ],
)
def test_a_confirmation_that_does_not_confirm_1_6_is_refused(
    session: Session, calendar: WorkingCalendar, answer: ProtectionAnswer, field: str
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 9, 1))

    with pytest.raises(RuleViolation) as error:
        confirm_protection(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            answer=answer,
            on=TODAY,
            quarter=None,
            working_days=10,
            actor=ACTOR,
            today=TODAY,
        )

    assert error.value.field == field and error.value.clause == "1.6"
