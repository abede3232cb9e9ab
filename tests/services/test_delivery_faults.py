"""Delivery survives what it meets in the database and from servers (issue 8)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Reminder
from notifications.outbox import OutboxNotifier
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.accounts import add_organ
from services.delivery import deliver
from services.events import record_notice
from services.outbox import list_reminders
from services.recovery import requeue_failed
from services.reminders import plan_reminders
from services.sweep import summarise, summary_markdown
from tests.fakes import RecordingNotifier
from tests.notifications.conftest import MailSink
from tests.services.helpers import ACTOR, TODAY, account, specialist

IT = "it@example.invalid"
CHIEF = "deputy-head@example.invalid"


def _organ_with_account(
    session: Session, calendar: WorkingCalendar, n: int, *, head: str | None = None
) -> int:
    o = add_organ(
        session=session,
        name=f"Комитет {n}",
        email=f"organ{n}@example.invalid",
        head_email=head,
        actor=ACTOR,
        today=TODAY,
    )
    person = specialist(session, o.id or 0, n)
    a = account(
        session,
        calendar,
        o.id or 0,
        url=f"https://vk.com/organ_{n}",
        created_on=date(2026, 11, 2),
        specialist_ids=[person.id or 0],
    )
    session.commit()
    return a.id or 0


def _plan(session: Session, calendar: WorkingCalendar, day: date) -> None:
    plan_reminders(
        session=session, calendar=calendar, as_of=day, it_mailbox=IT, it_supervisor=CHIEF
    )
    session.commit()


@pytest.mark.parametrize(
    "stored",
    ["a@x.invalid\nBcc: b@y.invalid", "a@b@c", "a@x.invalid, b@x", "иван@x.invalid"],
)
def test_a_letter_that_cannot_be_built_fails_alone_and_the_others_go_out(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path, stored: str
) -> None:
    for n in (1, 2, 3):
        _organ_with_account(session, calendar, n)
    _plan(session, calendar, date(2026, 11, 5))  # one heads-up per account
    with engine.begin() as conn:  # as if stored before addresses were checked at input
        conn.execute(sa.text("UPDATE specialist SET email = :e WHERE id = 2"), {"e": stored})
    outbox = OutboxNotifier(tmp_path / "outbox")

    first = deliver(engine=engine, notifier=outbox, sender="srok@example.invalid")
    again = deliver(engine=engine, notifier=outbox, sender="srok@example.invalid")
    with Session(engine) as s, s.begin():
        requeue_failed(s)
    retried = deliver(engine=engine, notifier=outbox, sender="srok@example.invalid")

    assert first.failed == [2] and first.sent == [1, 3]
    assert again.sent == [] and again.failed == []  # the failed one no longer blocks a run
    assert retried.failed == [2] and retried.sent == []  # fails again alone, with its reason
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    with Session(engine) as s:
        (row,) = [r for r in list_reminders(s) if r["id"] == 2]
    assert row["state"] == "failed"
    assert "письмо не удалось составить" in row["last_error"]
    assert "@" not in row["last_error"]  # no address in the reason (п. 3.3 абзац 5)


def test_an_escalation_without_a_head_mailbox_copies_the_organs_own_mailbox(
    session: Session, calendar: WorkingCalendar
) -> None:
    _organ_with_account(session, calendar, 1, head=None)

    _plan(session, calendar, date(2026, 11, 11))  # п. 3.1 is 3 working days late

    escalation = session.exec(select(Reminder).where(Reminder.kind == "escalation")).one()
    assert json.loads(escalation.cc_mailboxes) == ["organ1@example.invalid", IT]


def test_an_escalation_of_the_it_departments_own_step_goes_to_its_supervisor(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    aid = _organ_with_account(session, calendar, 1, head="head1@example.invalid")
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

    _plan(session, calendar, date(2026, 11, 16))  # п. 3.4 due 11.11: 3 working days late
    notifier = RecordingNotifier()
    deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    escalation = session.exec(select(Reminder).where(Reminder.kind == "escalation")).one()
    assert json.loads(escalation.mailboxes) == [IT]
    assert json.loads(escalation.cc_mailboxes) == [CHIEF]  # not the organ's head
    (message,) = [m for m in notifier.sent if m.key == escalation.key]
    assert "руководителю, курирующему отдел информатизации" in message.text


def test_a_partial_refusal_is_counted_and_shown_never_the_addresses(
    engine: sa.Engine,
    session: Session,
    calendar: WorkingCalendar,
    smtp_server: tuple[MailSink, int],
) -> None:
    sink, port = smtp_server
    _organ_with_account(session, calendar, 1, head="head1@example.invalid")
    _plan(session, calendar, date(2026, 11, 11))  # the escalation: specialist, head, IT
    sink.refuse = {"head1@example.invalid", IT}
    smtp = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))

    report = deliver(engine=engine, notifier=smtp, sender="srok@example.invalid")

    escalation = session.exec(select(Reminder).where(Reminder.kind == "escalation")).one()
    assert escalation.id is not None
    assert report.partial == {escalation.id: 2} and escalation.id in report.sent
    with Session(engine) as s:
        listed = {r["id"]: r for r in list_reminders(s)}
    assert listed[escalation.id]["refused"] == 2 and listed[escalation.id]["state"] == "sent"
    assert "head1@" not in json.dumps(listed, ensure_ascii=False, default=str)
    plan = plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 11, 11), it_mailbox=IT, dry_run=True
    )
    text = summary_markdown(summarise(plan, report, dry_run=False))
    assert (
        f"отправлено не всем получателям (сервер отклонил часть): 1 (№{escalation.id}: 2)" in text
    )


class ForgetfulNotifier(RecordingNotifier):
    """Like SMTP: after a lost reply it cannot say whether the message went."""

    def was_sent(self, key: str) -> bool | None:
        return None


def test_a_resend_after_a_lost_reply_does_not_retry_what_already_failed_in_the_run(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _organ_with_account(session, calendar, 1)
    _plan(session, calendar, date(2026, 11, 11))  # two reminders: ids 1 and 2
    second = session.exec(select(Reminder.key).where(Reminder.id == 2)).one()
    notifier = ForgetfulNotifier(transient=3, unknown_for={second})

    report = deliver(
        engine=engine, notifier=notifier, sender="srok@example.invalid", backoff=lambda n: 0
    )

    assert report.retry_later == [1] and report.sent == [2]  # 1 waits for the next run
    assert report.checked[0]["outcome"] == "requeued"
    assert notifier.calls == 5  # 1: three attempts; 2: lost reply, then resent once
