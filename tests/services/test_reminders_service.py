"""Planning and delivering reminders: who gets what, once."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from services.accounts import add_organ
from services.delivery import WebLinks, deliver
from services.recovery import FOUND_SENT
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import ACTOR, TODAY, account, specialist

IT = "it@example.invalid"
CREATED = date(2026, 11, 2)  # 3.1 due 06.11, 1.4 due 10.11


def _city(session: Session, calendar: WorkingCalendar, *, with_specialist: bool = True) -> int:
    o = add_organ(
        session=session,
        name="Комитет",
        email="komitet@example.invalid",
        head_email="head@example.invalid",
        actor=ACTOR,
        today=TODAY,
    )
    people = [specialist(session, o.id or 0).id or 0] if with_specialist else []
    a = account(session, calendar, o.id or 0, created_on=CREATED, specialist_ids=people)
    session.commit()
    return a.id or 0


def _plan(session: Session, calendar: WorkingCalendar, day: date, **kw: object):  # type: ignore[no-untyped-def]
    report = plan_reminders(session=session, calendar=calendar, as_of=day, it_mailbox=IT, **kw)
    session.commit()
    return report


def test_the_day_before_the_notice_deadline_queues_a_heads_up(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)

    report = _plan(session, calendar, date(2026, 11, 5))

    assert (report.due, report.queued, report.by_kind) == (1, 1, {"heads_up": 1})
    (r,) = session.exec(select(Reminder)).all()
    assert r.key.endswith(":heads_up:2026-11-05") and r.state == "queued"
    assert json.loads(r.specialist_ids) == [1] and json.loads(r.mailboxes) == []


def test_a_second_sweep_on_the_same_day_queues_nothing(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 5))

    again = _plan(session, calendar, date(2026, 11, 5))

    assert (again.due, again.queued) == (1, 0)
    assert session.execute(sa.select(sa.func.count()).select_from(Reminder)).scalar_one() == 1
    queued = session.execute(
        sa.text("SELECT entity FROM audit_entry WHERE action = 'reminder.queued'")
    ).all()
    assert len(queued) == 1  # the audit trail too records the reminder queued once


def test_a_day_off_queues_nothing(session: Session, calendar: WorkingCalendar) -> None:
    _city(session, calendar)

    report = _plan(session, calendar, date(2026, 11, 4))

    assert report.skipped_day_off and report.queued == 0


def test_an_escalation_copies_the_head_and_the_it_department(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)

    report = _plan(session, calendar, date(2026, 11, 11))  # 3.1 is 3 wd late, 1.4 is 1 wd late

    assert report.by_kind == {"escalation": 1, "overdue": 1}
    escalation = session.exec(select(Reminder).where(Reminder.kind == "escalation")).one()
    assert json.loads(escalation.cc_mailboxes) == ["head@example.invalid", IT]
    assert escalation.working_days_late == 3


def test_without_specialists_the_organ_mailbox_is_reminded(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar, with_specialist=False)

    _plan(session, calendar, date(2026, 11, 5))

    (r,) = session.exec(select(Reminder)).all()
    assert json.loads(r.mailboxes) == ["komitet@example.invalid"]


def test_registry_steps_remind_the_it_department(
    session: Session, calendar: WorkingCalendar
) -> None:
    from services.events import record_notice

    aid = _city(session, calendar)
    record_notice(
        session=session,
        calendar=calendar,
        account_id=aid,
        on=date(2026, 11, 3),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()

    _plan(session, calendar, date(2026, 11, 11))  # 3.4 due 11.11 (05, 06, 09, 10, 11): today

    kinds = {(r.kind, r.mailboxes) for r in session.exec(select(Reminder))}
    assert ("due_today", json.dumps([IT])) in kinds


def test_a_dry_run_queues_nothing(session: Session, calendar: WorkingCalendar) -> None:
    _city(session, calendar)

    report = _plan(session, calendar, date(2026, 11, 5), dry_run=True)

    assert report.due == 1 and report.queued == 0
    assert session.exec(select(Reminder)).all() == []


def test_delivery_sends_each_reminder_once_with_the_specialists_address(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 5))
    notifier = RecordingNotifier()

    links = WebLinks("https://srok.example", b"secret", calendar)

    first = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid", links=links)
    second = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid", links=links)

    assert len(first.sent) == 1 and first.ok
    assert second.sent == []
    (message,) = notifier.sent
    assert message.to == ("test1@example.invalid",)
    assert message.subject == (
        "Срок 06.11.2026: уведомить отдел информатизации о создании аккаунта (ВКонтакте) (п. 3.1)"
    )
    assert "ГК РФ ст. 191" in message.text
    assert (
        "https://srok.example/act/" in message.text and "https://srok.example/act/" in message.html
    )
    assert "srok notice" not in message.text  # people who get letters have no terminal


def test_a_busy_server_is_retried_and_then_succeeds(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 5))
    notifier = RecordingNotifier(transient=2)

    report = deliver(
        engine=engine, notifier=notifier, sender="s@example.invalid", backoff=lambda n: 0
    )

    assert len(report.sent) == 1 and notifier.calls == 3


def test_bad_credentials_stop_delivery_and_keep_reminders_queued(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 11))  # two reminders
    notifier = RecordingNotifier(channel_down=True)

    report = deliver(
        engine=engine, notifier=notifier, sender="s@example.invalid", backoff=lambda n: 0
    )

    assert report.stopped and not report.ok and notifier.calls == 1
    states = session.exec(select(Reminder.state)).all()
    assert sorted(states) == ["queued", "queued"]


def test_one_bad_address_fails_alone_and_the_rest_are_sent(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 11))
    first_key = session.exec(select(Reminder.key).order_by(Reminder.id)).first()
    notifier = RecordingNotifier(permanent_for={first_key or ""})

    report = deliver(engine=engine, notifier=notifier, sender="s@example.invalid")

    assert len(report.failed) == 1 and len(report.sent) == 1 and not report.ok


def test_an_unknown_outcome_is_checked_before_any_resend(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 5))
    key = session.exec(select(Reminder.key)).one()
    notifier = RecordingNotifier(unknown_for={key})

    first = deliver(engine=engine, notifier=notifier, sender="s@example.invalid")
    second = deliver(engine=engine, notifier=notifier, sender="s@example.invalid")

    assert first.ok and first.sent == [1]  # asked within the run: found by was_sent
    assert first.checked == [{"id": 1, "outcome": "sent", "found": FOUND_SENT}]
    assert second.sent == [] and len(notifier.sent) == 1  # never sent again


def test_a_step_whose_deadline_moves_after_the_days_sweep_is_reminded_by_the_next_one(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    first = _plan(session, calendar, date(2026, 11, 5))  # 3.1 due 06.11: a heads-up
    session.execute(
        sa.text("UPDATE step SET due = '2026-11-05' WHERE clause = '3.1'")
    )  # as a rebaseline would: now due today
    session.commit()

    again = _plan(session, calendar, date(2026, 11, 5))

    assert (first.by_kind, again.by_kind) == ({"heads_up": 1}, {"due_today": 1})
    assert again.queued == 1
    kinds = session.execute(sa.select(Reminder.kind).order_by(Reminder.id)).scalars().all()
    assert kinds == ["heads_up", "due_today"]


def test_the_days_reminders_are_found_through_indexes_not_by_reading_the_history(
    engine: sa.Engine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plans checked here are SQLite's words")
    day = {"d": "2026-12-01"}

    with engine.connect() as conn:
        by_day = conn.execute(
            sa.text("EXPLAIN QUERY PLAN SELECT key FROM reminder WHERE on_date = :d"), day
        ).all()
        open_by_due = conn.execute(
            sa.text(
                "EXPLAIN QUERY PLAN SELECT due, count(*) FROM step "
                "WHERE done_on IS NULL AND due IS NOT NULL GROUP BY due"
            )
        ).all()

    assert "ix_reminder_on_date_step" in str(by_day)
    assert "ix_step_open_due" in str(open_by_due)


def test_a_queued_reminder_is_stored_as_the_orm_stores_it_and_audited_in_the_earlier_form(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    _plan(session, calendar, date(2026, 11, 5))
    (r,) = session.exec(select(Reminder)).all()
    session.expunge_all()
    # The sweep's rows skip SQLAlchemy's processing; a row the ORM writes must look the same.
    twin = Reminder(
        key="twin",
        step_id=r.step_id,
        account_id=r.account_id,
        kind=r.kind,
        on_date=r.on_date,
        due=r.due,
        queued_at=r.queued_at,
    )
    session.add(twin)
    session.commit()
    columns = "on_date, due, queued_at, state, attempts, refused_recipients, channel"
    stored = session.execute(sa.text(f"SELECT {columns} FROM reminder ORDER BY id")).all()
    assert stored[0] == stored[1]
    assert (r.on_date, r.due, r.queued_at.tzinfo is not None) == (
        date(2026, 11, 5),
        date(2026, 11, 6),
        True,
    )
    (after,) = session.execute(
        sa.text("SELECT after FROM audit_entry WHERE action = 'reminder.queued'")
    ).scalars()
    assert after == (
        '{"due": "2026-11-06", "kind": "heads_up", "on": "2026-11-05", "specialist_ids": [1]}'
    )


@pytest.mark.parametrize(
    "items",
    [
        (),
        (1,),
        (3, 15, 204),
        ("it@example.invalid",),
        ("отдел@пример.рф", 'a"b\\c', "x\ty"),
        (1.5,),
    ],
)
def test_the_recipient_lists_are_written_exactly_as_json_dumps_writes_them(
    items: tuple[object, ...],
) -> None:
    from services.reminders import _json_list

    assert _json_list(items) == json.dumps(list(items))
