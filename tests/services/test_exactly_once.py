"""Nothing lost, nothing sent twice: a delivery killed with SIGKILL, and two at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.accounts import add_organ
from services.delivery import deliver
from services.reminders import plan_reminders
from tests.notifications.conftest import MailSink, free_port
from tests.services.helpers import ACTOR, TODAY, account, specialist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COUNT = 20


class SlowSink(MailSink):
    """A mail server that takes a while per message, so a sender can be caught mid-way."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowSink, int]]:
    sink, port = SlowSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def _queue(session: Session, calendar: WorkingCalendar) -> None:
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


def _worker(engine: sa.Engine, port: int) -> subprocess.Popen[str]:
    url = engine.url.render_as_string(hide_password=False)
    options = _schema(engine) if engine.dialect.name == "postgresql" else "-"
    return subprocess.Popen(
        [sys.executable, "-m", "tests.services.deliver_worker", url, options, str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _schema(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


def _states(session: Session) -> Counter[str]:
    session.expire_all()
    return Counter(session.exec(select(Reminder.state)).all())


def test_a_delivery_killed_midway_and_run_again_delivers_every_reminder(
    engine: sa.Engine,
    session: Session,
    calendar: WorkingCalendar,
    slow_smtp: tuple[SlowSink, int],
) -> None:
    sink, port = slow_smtp
    _queue(session, calendar)
    worker = _worker(engine, port)
    deadline = time.monotonic() + 30
    while len(sink.received) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=10)
    delivered_before = len(sink.received)

    report = deliver(
        engine=engine,
        notifier=SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none")),
        sender="srok@example.invalid",
    )

    assert 5 <= delivered_before < COUNT, "the worker was not caught mid-way"
    assert _states(session) == Counter({"sent": COUNT})
    keys = Counter(r.message["X-Srok-Reminder-Key"] for r in sink.received)
    assert len(keys) == COUNT  # nothing lost
    twice = [k for k, n in keys.items() if n > 1]
    # Only the message in flight at the kill may go again, and with the same Message-ID.
    assert len(twice) <= 1 and all(n <= 2 for n in keys.values())
    for key in twice:
        ids = {
            r.message["Message-ID"]
            for r in sink.received
            if r.message["X-Srok-Reminder-Key"] == key
        }
        assert len(ids) == 1
    assert len(report.recovered) <= 1


def test_two_deliveries_at_once_never_send_the_same_reminder(
    engine: sa.Engine,
    session: Session,
    calendar: WorkingCalendar,
    slow_smtp: tuple[SlowSink, int],
) -> None:
    sink, port = slow_smtp
    _queue(session, calendar)

    workers = [_worker(engine, port), _worker(engine, port)]
    outputs = [w.communicate(timeout=120) for w in workers]

    assert all(w.returncode == 0 for w in workers), outputs
    sent_by_each = [int(out.strip()) for out, _ in outputs]
    assert sum(sent_by_each) == COUNT
    assert all(n > 0 for n in sent_by_each), "one worker did everything: no concurrency tested"
    keys = Counter(r.message["X-Srok-Reminder-Key"] for r in sink.received)
    assert len(keys) == COUNT and set(keys.values()) == {1}
    assert _states(session) == Counter({"sent": COUNT})
