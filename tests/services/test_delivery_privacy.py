"""Delivery keeps a specialist's data (п. 3.3 абзац 5) inside the letter: never in what it records.

Every outcome a channel can give is driven once (sent, busy then given up,
refused for one message, unknown, the channel down), and then everything
delivery wrote outside the letter is searched: each reminder's ``last_error``,
the audit entries, and every standard log record at DEBUG.
"""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from services.accounts import add_organ, add_specialist
from services.delivery import deliver
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import ACTOR, TODAY, account

PEOPLE = [
    ("Ъъзаров Ъърий Ъъевич", "начальник ъъотдела", "+7 913 111-22-33", "yyzarov@mail.invalid"),
    ("Ъъкова Ъъна Ъъовна", "ъъглавный специалист", "+7 913 444-55-66", "yykova@mail.invalid"),
]


def _secrets() -> list[str]:
    out = []
    for name, position, phone, email in PEOPLE:
        out += [name, *name.split(), position, phone, phone.replace(" ", ""), email]
        out.append(email.partition("@")[0])
    return out


def _city(session: Session, calendar: WorkingCalendar) -> None:
    """Five accounts, each with both specialists, so that five reminders go out."""
    for n in range(5):
        o = add_organ(session=session, name=f"Орган {n}", actor=ACTOR, today=TODAY)
        ids = [
            add_specialist(
                session=session,
                organ_id=o.id or 0,
                name=name,
                position=position,
                phone=phone,
                email=email,
                actor=ACTOR,
                today=TODAY,
            ).id
            or 0
            for name, position, phone, email in PEOPLE
        ]
        account(
            session,
            calendar,
            o.id or 0,
            url=f"https://vk.com/organ{n}",
            created_on=date(2026, 11, 2),
            specialist_ids=ids,
        )
    session.commit()
    plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 11, 5), it_mailbox="it@example.invalid"
    )
    session.commit()


def test_no_delivery_outcome_records_a_specialists_data(
    engine: sa.Engine,
    session: Session,
    calendar: WorkingCalendar,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _city(session, calendar)
    keys = list(session.exec(select(Reminder.key).order_by(Reminder.id)))
    assert len(keys) == 5
    caplog.set_level(logging.DEBUG)
    sender = "srok@example.invalid"

    busy = deliver(
        engine=engine,
        notifier=RecordingNotifier(transient=99),
        sender=sender,
        attempts=2,
        backoff=lambda n: 0,
    )
    down = deliver(engine=engine, notifier=RecordingNotifier(channel_down=True), sender=sender)
    refused = RecordingNotifier(permanent_for={keys[0]}, unknown_for={keys[1]})
    first = deliver(engine=engine, notifier=refused, sender=sender, backoff=lambda n: 0)

    # The letters themselves do carry the addresses: that is where they belong.
    assert {m.to for m in refused.sent} == {("yykova@mail.invalid", "yyzarov@mail.invalid")}
    # The lost reply is asked about and resent within the run (same Message-ID).
    assert (len(first.failed), len(first.unknown), len(first.sent)) == (1, 0, 4)
    assert busy.stopped and down.stopped  # a busy server stops the run after two in a row
    session.expire_all()
    errors = [e for e in session.exec(select(Reminder.last_error)) if e]
    assert len(errors) >= 2  # the refused one and the unknown one at least
    audit = [
        json.dumps(dict(row), ensure_ascii=False, default=str)
        for row in session.execute(
            sa.text("SELECT * FROM audit_entry WHERE action LIKE 'reminder.%'")
        ).mappings()
    ]
    actions = {json.loads(a)["action"] for a in audit}
    assert {"reminder.sent", "reminder.failed", "reminder.unknown", "reminder.sending"} <= actions
    logged = [r.getMessage() for r in caplog.records] + [
        str(r.args) for r in caplog.records if r.args
    ]
    written = "\n".join(errors + audit + logged)
    assert [s for s in _secrets() if s in written] == []
