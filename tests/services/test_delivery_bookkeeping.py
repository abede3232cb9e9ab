"""Delivery batches its bookkeeping, never its guarantee: one in flight, one commit a letter."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from notifications.base import OutgoingMessage
from services.accounts import add_organ
from services.audit import verify_chain
from services.delivery import BATCH, deliver
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import ACTOR, TODAY, account, specialist


def _queue(session: Session, calendar: WorkingCalendar, count: int) -> int:
    for n in range(count):
        o = add_organ(session=session, name=f"Орган {n}", actor=ACTOR, today=TODAY)
        s = specialist(session, o.id or 0, n)
        account(
            session,
            calendar,
            o.id or 0,
            url=f"https://vk.com/organ{n}",
            created_on=date(2026, 11, 2),
            specialist_ids=[s.id or 0],
        )
    session.commit()
    plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 11, 5), it_mailbox="it@example.invalid"
    )
    session.commit()
    return len(session.exec(select(Reminder.id)).all())


class WatchingNotifier(RecordingNotifier):
    """At each send, reads what a crash at that moment would leave in the database."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__()
        self.engine = engine
        self.seen: list[Counter[str]] = []

    def send(self, message: OutgoingMessage) -> None:
        with self.engine.connect() as conn:
            states = conn.execute(sa.text("SELECT state FROM reminder")).scalars().all()
        self.seen.append(Counter(states))
        super().send(message)


def test_at_every_send_exactly_one_reminder_is_claimed_and_every_earlier_one_recorded(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    total = _queue(session, calendar, 5)
    notifier = WatchingNotifier(engine)

    report = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    assert len(report.sent) == total
    for n, states in enumerate(notifier.seen):
        assert states == Counter({"sent": n, "sending": 1, "queued": total - n - 1}), n


def test_each_letter_costs_one_commit_and_its_rows_are_read_a_batch_at_a_time(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    total = _queue(session, calendar, 12)
    commits, selects = [0], [0]

    @event.listens_for(engine, "commit")
    def _commit(_conn: Any) -> None:
        commits[0] += 1

    @event.listens_for(engine, "before_cursor_execute")
    def _select(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        words = statement.upper()
        if words.lstrip().startswith("SELECT") and " FROM " in words and "AUDIT_ENTRY" not in words:
            selects[0] += 1  # reads of tables (not a ping, not PostgreSQL's advisory lock)

    try:
        report = deliver(engine=engine, notifier=RecordingNotifier(), sender="s@example.invalid")
    finally:
        event.remove(engine, "commit", _commit)
        event.remove(engine, "before_cursor_execute", _select)

    assert len(report.sent) == total and total < BATCH
    # A claim a letter, the last outcome alone, and the recovery's two transactions.
    assert commits[0] == total + 3
    # The queue, one batch of letters' rows (5 tables), and the recovery's and settling reads.
    assert selects[0] <= 11  # were 4 a letter: 48 more here
    audit = session.exec(sa.text("SELECT action FROM audit_entry"))  # type: ignore[call-overload]
    actions = Counter(a for (a,) in audit)
    assert actions["reminder.sending"] == actions["reminder.sent"] == total
    assert verify_chain(engine).ok
