"""A reminder tells its reader how to reach the IT department, and a reply goes there."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from notifications.outbox import OutboxNotifier
from services.delivery import ItContact, deliver
from services.reminders import plan_reminders
from tests.services.helpers import account, organ, specialist


def test_a_letter_names_the_it_departments_mailbox_and_phone_and_replies_reach_it(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    o = organ(session)
    s = specialist(session, o.id or 0)
    account(session, calendar, o.id or 0, created_on=date(2026, 11, 2), specialist_ids=[s.id or 0])
    session.commit()
    plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 11, 5), it_mailbox="it@x.invalid"
    )
    session.commit()

    report = deliver(
        engine=engine,
        notifier=OutboxNotifier(tmp_path),
        sender="srok@x.invalid",
        it_contact=ItContact("it@nvkz.invalid", "+7 38532 2-00-00"),
    )

    (letter,) = tmp_path.glob("*.eml")
    mail = message_from_bytes(letter.read_bytes(), policy=policy.default)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert report.sent and mail["Reply-To"] == "it@nvkz.invalid"
    contact = "Отдел информатизации: it@nvkz.invalid, тел. +7 38532 2-00-00"
    assert contact in text and contact in html
