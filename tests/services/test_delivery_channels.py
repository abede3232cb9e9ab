"""Delivery through the real channels chosen by SROK_NOTIFIER, against local servers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from models.tables import Reminder
from notifications.outbox import OutboxNotifier
from notifications.smtp import SmtpNotifier
from services.delivery import deliver
from services.mail import MailSettings, build_notifier
from services.recovery import FOUND_SENT, TOO_RECENT, requeue_failed
from services.reminders import plan_reminders
from tests.fakes import SteppingClock
from tests.notifications.fake_ews import FakeEws
from tests.services.helpers import account, organ, specialist


@pytest.fixture
def ews() -> Iterator[FakeEws]:
    with FakeEws() as server:
        yield server


def _queue_one(session: Session, calendar: WorkingCalendar) -> None:
    o = organ(session)
    s = specialist(session, o.id or 0)
    account(session, calendar, o.id or 0, created_on=date(2026, 11, 2), specialist_ids=[s.id or 0])
    session.commit()
    plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 11, 5), it_mailbox="it@example.invalid"
    )
    session.commit()


def _ews_env(ews: FakeEws) -> dict[str, str]:
    return {
        "SROK_NOTIFIER": "exchange",
        "SROK_EWS_ENDPOINT": ews.endpoint,
        "SROK_EWS_AUTH": "basic",
        "SROK_EWS_USERNAME": ews.state.username,
        "SROK_EWS_PASSWORD": ews.state.password,
        "SROK_EWS_SENDER": "srok@novoaltaysk.invalid",
    }


def test_an_exchange_reply_lost_is_waited_out_and_found_in_sent_items_within_the_run(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, ews: FakeEws, tmp_path: Path
) -> None:
    _queue_one(session, calendar)
    env = _ews_env(ews)
    mail = MailSettings.from_env(tmp_path, env)
    ews.state.faults = ["drop"]
    clock = SteppingClock()

    report = deliver(
        engine=engine,
        notifier=build_notifier(mail, env),
        sender=mail.sender,
        sleep=clock.sleep,
        clock=clock.now,
    )

    assert report.ok and report.sent == [1] and report.unknown == []
    assert 29 < clock.slept[0] <= 30  # Sent Items' settle window, waited out once
    assert report.checked == [{"id": 1, "outcome": "sent", "found": FOUND_SENT}]
    assert len(ews.state.sent) == 1  # found by its key, not sent again
    assert ews.state.sent[0].to == ["test1@example.invalid"]
    session.expire_all()
    assert session.exec(select(Reminder.state)).all() == ["sent"]


def test_an_unknown_outcome_too_recent_to_wait_for_stays_unknown_and_is_reported(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, ews: FakeEws, tmp_path: Path
) -> None:
    _queue_one(session, calendar)
    env = _ews_env(ews)
    mail = MailSettings.from_env(tmp_path, env)
    ews.state.faults = ["drop"]
    deliver(engine=engine, notifier=build_notifier(mail, env), sender=mail.sender, settle_limit=0)

    again = deliver(
        engine=engine, notifier=build_notifier(mail, env), sender=mail.sender, settle_limit=0
    )

    assert again.sent == [] and len(ews.state.sent) == 1
    assert again.unknown == [1] and not again.ok  # red, and says which
    assert again.checked == [{"id": 1, "outcome": "too_recent", "found": TOO_RECENT}]
    session.expire_all()
    assert session.exec(select(Reminder.state)).all() == ["unknown"]


def test_outbox_retry_asks_exchange_before_requeueing_an_unknown_reminder(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, ews: FakeEws, tmp_path: Path
) -> None:
    _queue_one(session, calendar)
    env = _ews_env(ews)
    mail = MailSettings.from_env(tmp_path, env)
    ews.state.faults = ["drop"]
    first = deliver(
        engine=engine, notifier=build_notifier(mail, env), sender=mail.sender, settle_limit=0
    )
    clock = SteppingClock()
    clock.offset = timedelta(minutes=1)  # `srok outbox retry` a minute later

    with Session(engine) as s, s.begin():
        requeued = requeue_failed(s)
    retried = deliver(
        engine=engine,
        notifier=build_notifier(mail, env),
        sender=mail.sender,
        sleep=clock.sleep,
        clock=clock.now,
    )

    assert first.unknown == [1]
    assert len(ews.state.sent) == 1  # no duplicate
    assert retried.checked == [{"id": 1, "outcome": "sent", "found": FOUND_SENT}]
    assert retried.sent == [1] and requeued == []


def test_the_channel_is_chosen_by_srok_notifier(tmp_path: Path) -> None:
    outbox = build_notifier(MailSettings.from_env(tmp_path, {}), {})
    smtp_env = {
        "SROK_NOTIFIER": "smtp",
        "SROK_SMTP_HOST": "127.0.0.1",
        "SROK_SMTP_PORT": "2525",
        "SROK_SMTP_SECURITY": "none",
    }
    smtp = build_notifier(MailSettings.from_env(tmp_path, smtp_env), smtp_env)

    assert isinstance(outbox, OutboxNotifier) and outbox.folder == tmp_path / "outbox"
    assert isinstance(smtp, SmtpNotifier) and smtp.config.port == 2525


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"SROK_NOTIFIER": "pigeon"}, "SROK_NOTIFIER"),
        ({"SROK_NOTIFIER": "smtp"}, "SROK_SMTP_HOST"),
        ({"SROK_NOTIFIER": "smtp", "SROK_SMTP_HOST": "h", "SROK_SMTP_PORT": "x"}, "SROK_SMTP_PORT"),
        ({"SROK_NOTIFIER": "exchange"}, "SROK_EWS_ENDPOINT"),
        (
            {
                "SROK_NOTIFIER": "exchange",
                "SROK_EWS_ENDPOINT": "https://mail/EWS/Exchange.asmx",
                "SROK_EWS_SENDER": "srok@example.invalid",
                "SROK_EWS_USERNAME": "u",
            },
            "SROK_EWS_USERNAME/SROK_EWS_PASSWORD",
        ),
        (
            {
                "SROK_NOTIFIER": "exchange",
                "SROK_EWS_ENDPOINT": "https://mail/EWS/Exchange.asmx",
                "SROK_EWS_SENDER": "srok@example.invalid",
                "SROK_EWS_AUTH": "oauth2",
            },
            "SROK_EWS_CLIENT_ID",
        ),
    ],
)
def test_incomplete_mail_settings_name_the_variable(
    tmp_path: Path, env: dict[str, str], field: str
) -> None:
    with pytest.raises(RuleViolation) as error:
        build_notifier(MailSettings.from_env(tmp_path, env), env)

    assert error.value.field == field
