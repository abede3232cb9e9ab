"""Nothing lost, nothing sent twice: a delivery killed at a chosen point, and two at once.

None of these depends on timing. The killed worker kills itself just before or
just after the SMTP server takes its 5th message; two deliveries are held at a
barrier until both have read the queue and both are sending; two audit
appenders are made to overlap on PostgreSQL by waiting until one is blocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy import event
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from notifications.base import OutgoingMessage
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.accounts import add_organ
from services.audit import append, verify_chain
from services.delivery import deliver
from services.reminders import plan_reminders
from tests.conftest import PG_URL, _postgres_engine
from tests.fakes import RecordingNotifier
from tests.notifications.conftest import MailSink, free_port
from tests.services.helpers import ACTOR, TODAY, account, specialist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COUNT = 20
WAIT = 60  # seconds a barrier waits before the test fails: generous for a loaded machine


@pytest.fixture
def smtp() -> Iterator[tuple[MailSink, int]]:
    sink, port = MailSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def _queue(session: Session, calendar: WorkingCalendar) -> list[str]:
    for n in range(COUNT):
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
    return list(session.exec(select(Reminder.key).order_by(Reminder.id)))


def _schema(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


def _states(session: Session) -> Counter[str]:
    session.expire_all()
    return Counter(session.exec(select(Reminder.state)).all())


@pytest.mark.parametrize(
    ("when", "resent"),
    [
        ("after", 1),  # the server took it: SMTP cannot tell, so it goes again, same Message-ID
        ("before", 0),  # it never left: "cannot tell" must not be read as "sent"
    ],
)
def test_a_delivery_killed_around_a_message_delivers_every_reminder_once_more_at_most(
    engine: sa.Engine,
    session: Session,
    calendar: WorkingCalendar,
    smtp: tuple[MailSink, int],
    when: str,
    resent: int,
) -> None:
    sink, port = smtp
    keys = _queue(session, calendar)
    url = engine.url.render_as_string(hide_password=False)
    options = _schema(engine) if engine.dialect.name == "postgresql" else "-"
    die = f"{when}:5"
    worker = subprocess.run(
        [sys.executable, "-m", "tests.services.deliver_worker", url, options, str(port), die],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == -9, worker.stderr  # it died where it was told to
    assert len(sink.received) == (5 if when == "after" else 4)
    assert _states(session) == Counter({"sent": 4, "sending": 1, "queued": COUNT - 5})

    report = deliver(
        engine=engine,
        notifier=SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none")),
        sender="srok@example.invalid",
    )

    assert len(report.recovered) == 1 and _states(session) == Counter({"sent": COUNT})
    got = Counter(r.message["X-Srok-Reminder-Key"] for r in sink.received)
    assert set(got) == set(keys)  # nothing lost
    assert [k for k, n in got.items() if n > 1] == [keys[4]] * resent
    ids = {
        r.message["Message-ID"]
        for r in sink.received
        if r.message["X-Srok-Reminder-Key"] == keys[4]
    }
    assert len(ids) == 1  # a resend is recognisably the same message


class BarrierNotifier(RecordingNotifier):
    """Holds each thread's first send until the other thread is sending too."""

    def __init__(self, barrier: threading.Barrier) -> None:
        super().__init__()
        self.barrier = barrier
        self.first = threading.local()
        self.lock = threading.Lock()
        self.by_thread: Counter[str] = Counter()

    def send(self, message: OutgoingMessage) -> None:
        if not getattr(self.first, "done", False):
            self.first.done = True
            self.barrier.wait(WAIT)
        with self.lock:
            super().send(message)
            self.by_thread[threading.current_thread().name] += 1


def test_two_deliveries_at_once_never_send_the_same_reminder(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    keys = _queue(session, calendar)
    claims = threading.Barrier(2)
    sends = threading.Barrier(2)
    claimed: set[int] = set()

    # Both workers read the queue, then both try to claim its first reminder at once.
    @event.listens_for(engine, "before_cursor_execute")
    def _together(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        me = threading.get_ident()
        if statement.lstrip().upper().startswith("UPDATE REMINDER") and me not in claimed:
            claimed.add(me)
            claims.wait(WAIT)

    notifier = BarrierNotifier(sends)
    reports: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            reports[name] = deliver(engine=engine, notifier=notifier, sender="s@example.invalid")
        except Exception as exc:  # reported below, not lost in a thread
            reports[name] = exc
            claims.abort()
            sends.abort()

    workers = [threading.Thread(target=run, args=(n,), name=n) for n in ("a", "b")]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(2 * WAIT)
    finally:
        event.remove(engine, "before_cursor_execute", _together)

    assert [r for r in reports.values() if isinstance(r, Exception)] == []
    assert sorted(reports) == ["a", "b"] and len(claimed) == 2
    assert sorted(notifier.by_thread) == ["a", "b"]  # both really delivered, at once
    sent = Counter(m.key for m in notifier.sent)
    assert set(sent) == set(keys) and set(sent.values()) == {1}
    assert sorted(reports["a"].sent + reports["b"].sent) == list(range(1, COUNT + 1))
    assert _states(session) == Counter({"sent": COUNT})


@pytest.fixture
def postgres(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """A fresh PostgreSQL schema: the advisory lock exists there only."""
    yield from _postgres_engine(request.getfixturevalue("postgres_schema_sql"))


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="SROK_TEST_DATABASE_URL is not set")
def test_two_audit_appenders_forced_to_overlap_both_append_to_one_chain(
    postgres: sa.Engine,
) -> None:
    """The second appender starts while the first holds an uncommitted entry.

    With the advisory lock it waits and appends after the first; without it, it
    reads the same head and its insert is refused: a change lost. The first
    commits only once the second is seen waiting on a lock (pg_locks), so the
    overlap does not depend on timing.
    """
    engine = postgres
    first_appended = threading.Event()
    errors: list[BaseException] = []
    second_pid: list[int] = []

    def second() -> None:
        try:
            first_appended.wait(WAIT)
            with engine.begin() as conn:
                second_pid.append(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
                append(conn, action="event.b", entity="b", actor="b")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with engine.begin() as conn:
        append(conn, action="event.a", entity="a", actor="a")
        first_appended.set()
        _until_waiting(engine, second_pid, thread)
    thread.join(WAIT)

    assert errors == []
    verdict = verify_chain(engine)
    assert verdict.ok and verdict.entries == 2


def _until_waiting(engine: sa.Engine, pid: list[int], thread: threading.Thread) -> None:
    """Return once the other backend waits on a lock; fail if it never does."""
    deadline = time.monotonic() + WAIT
    with engine.connect() as watcher:
        while time.monotonic() < deadline and thread.is_alive():
            if pid:
                waiting = watcher.exec_driver_sql(
                    f"SELECT count(*) FROM pg_locks WHERE pid = {pid[0]} AND NOT granted"
                ).scalar()
                watcher.rollback()
                if waiting:
                    return
            time.sleep(0.01)
    raise AssertionError("the second appender never waited on the first")
