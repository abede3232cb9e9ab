"""Deliver queued reminders exactly once: claim in the database, send, record the outcome.

Each reminder moves queued -> sending (a committed claim that only one worker
can win) -> sent. A worker that dies while sending leaves the claim behind;
the next run finds it (its process is gone, or the claim is stale), marks it
unknown, and asks the channel whether it went before sending again.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.networks import NETWORKS
from domain.quarter import Quarter
from domain.reminders import Audience, ReminderKind, audience
from models.tables import Account, Organ, Reminder, Specialist, Step, utcnow
from notifications.base import (
    Notifier,
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)
from notifications.templates import ReminderContent, render
from services import action_links
from services.recovery import (
    STALE_AFTER,
    audit_outcome,
    recover_abandoned,
    resolve_unknown,
    settle_wait,
    still_unknown,
)
from services.required import required_network

REMINDERS: sa.Table = Reminder.__table__  # type: ignore[attr-defined]
SETTLE_LIMIT = 120.0  # seconds a run may wait for unknown outcomes to become checkable


def worker_id() -> str:
    """Name this process: host and pid (to tell a dead claimant), plus a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # a human must look (bad address)
    retry_later: list[int] = field(default_factory=list)  # transient faults, still queued
    unknown: list[int] = field(default_factory=list)  # every reminder still unknown at the end
    recovered: list[int] = field(default_factory=list)  # crashed claims resolved this run
    partial: dict[int, int] = field(default_factory=dict)  # sent, but n recipients refused
    checked: list[dict[str, object]] = field(default_factory=list)  # unknown ones, per reminder
    stopped: str | None = None  # a channel-wide fault stopped delivery
    channel: str | None = None  # outbox, smtp, exchange: what was used
    causes: dict[str, list[int]] = field(default_factory=dict)  # last error -> reminder ids

    @property
    def ok(self) -> bool:
        return not (self.failed or self.retry_later or self.unknown or self.stopped)


def _claim(engine: sa.Engine, reminder_id: int, worker: str) -> bool:
    """Take a queued reminder for this worker; its audit entry commits with the claim."""
    with engine.begin() as conn:
        claimed = conn.execute(
            sa.update(REMINDERS)
            .where(REMINDERS.c.id == reminder_id, REMINDERS.c.state == "queued")
            .values(
                state="sending",
                claimed_by=worker,
                claimed_at=utcnow(),
                attempts=REMINDERS.c.attempts + 1,
            )
            .returning(REMINDERS.c.account_id)
        ).first()
        if claimed is None:
            return False
        audit_outcome(conn, reminder_id, claimed[0], "sending", before="queued", actor=worker)
        return True


def _finish(
    engine: sa.Engine, reminder_id: int, *, worker: str, state: str, **values: object
) -> None:
    """Record a delivery outcome and its audit entry in one transaction."""
    with engine.begin() as conn:
        account_id = conn.execute(
            sa.update(REMINDERS)
            .where(REMINDERS.c.id == reminder_id)
            .values(state=state, **values)
            .returning(REMINDERS.c.account_id)
        ).scalar()
        detail = values.get("last_error")
        audit_outcome(
            conn,
            reminder_id,
            account_id,
            state,
            before="sending",
            actor=worker,
            detail=str(detail) if detail else None,
        )


@dataclass(frozen=True)
class ItContact:
    """The IT department as letters name it: whom to ask, and where a reply goes."""

    email: str
    phone: str = ""

    def words(self) -> str:
        return self.email + (f", тел. {self.phone}" if self.phone else "")


@dataclass(frozen=True)
class WebLinks:
    """Where letters send people: the web app's address, and the secret that signs links."""

    base_url: str
    secret: bytes
    calendar: WorkingCalendar

    def for_step(self, step: Step, reminder: Reminder) -> tuple[str | None, str]:
        """Return the one-click link (organs' steps only) and the step's page in the app."""
        token = action_links.issue(
            secret=self.secret,
            calendar=self.calendar,
            step_id=step.id or 0,
            clause=step.clause,
            reminder_id=reminder.id or 0,
            reminder_key=reminder.key,
            on=reminder.on_date,
        )
        page = {"3.4": "/it/queue", "3.5": "/it/publication"}.get(
            step.clause, f"/accounts/{step.account_id}"
        )
        action = f"{self.base_url}/act/{token}" if token else None
        return action, f"{self.base_url}{page}"


def build_message(
    session: Session,
    reminder: Reminder,
    *,
    sender: str,
    links: WebLinks | None = None,
    it_contact: ItContact | None = None,
) -> OutgoingMessage:
    """Compose a reminder, looking up the specialists' addresses only now."""
    step = session.get(Step, reminder.step_id)
    assert step is not None
    # A required account (п. 1.2) has no account yet: its step names the organ.
    account = session.get(Account, reminder.account_id) if reminder.account_id else None
    organ = session.get(Organ, account.organ_id if account else step.organ_id)
    assert organ is not None
    ids = json.loads(reminder.specialist_ids)
    people = (
        session.exec(select(Specialist).where(col(Specialist.id).in_(ids))).all() if ids else []
    )
    to = tuple(sorted({p.email for p in people} | set(json.loads(reminder.mailboxes))))
    cc = tuple(m for m in json.loads(reminder.cc_mailboxes) if m not in to)
    for address in to + cc:
        Address(addr_spec=address)  # one mailbox each: no line break, list or second @
    copies = tuple(_copy_words(m, organ, step.clause) for m in cc)
    action_url, page_url = links.for_step(step, reminder) if links else (None, None)
    content = ReminderContent(
        action_url=action_url,
        page_url=page_url,
        it_contact=it_contact.words() if it_contact else "",
        key=reminder.key,
        kind=ReminderKind(reminder.kind),
        clause=step.clause,
        due=reminder.due,
        explanation=step.explanation or "",
        provisional=step.provisional,
        working_days_left=reminder.working_days_left,
        working_days_late=reminder.working_days_late,
        account_id=account.id if account else None,
        organ=organ.name,
        network=NETWORKS[account.network if account else required_network(session, step)].russian,
        url=account.url if account else "",
        copies=copies,
        quarter=str(Quarter.of(step.counted_from))
        if step.clause == "3.5" and step.counted_from
        else None,
    )
    subject, text, html = render(content)
    return OutgoingMessage(
        key=reminder.key,
        sender=sender,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        reply_to=it_contact.email if it_contact else None,
    )


def _copy_words(mailbox: str, organ: Organ, clause: str) -> str:
    """Say whom an escalation's copy goes to, without naming the address."""
    if audience(clause) is Audience.IT:
        return "руководителю, курирующему отдел информатизации"
    if mailbox == organ.head_email:
        return "руководителю органа"
    if mailbox == organ.email:
        return "в орган"
    return "в отдел информатизации"


def deliver(
    *,
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    worker: str | None = None,
    attempts: int = 3,
    backoff: Callable[[int], float] | None = None,
    stale_after: timedelta = STALE_AFTER,
    settle_limit: float = SETTLE_LIMIT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = utcnow,
    links: WebLinks | None = None,
    it_contact: ItContact | None = None,
) -> DeliveryReport:
    """Deliver every queued reminder once; try each up to ``attempts`` times on transient faults.

    Unknown outcomes are asked about first. Those too recent for the channel's
    records (Exchange's Sent Items lag) are waited out within the run, at most
    ``settle_limit`` seconds, then asked about again; whatever is still unknown
    at the end is reported, so the run can never end green with one hidden.
    """
    worker = worker or worker_id()
    backoff = backoff or (lambda n: float(2**n))  # 2, 4, 8 s between attempts
    report = DeliveryReport()
    report.recovered = recover_abandoned(engine, stale_after=stale_after)
    _settle(engine, notifier, report, clock)
    _deliver_queue(
        engine,
        notifier,
        sender,
        worker,
        report,
        attempts=attempts,
        backoff=backoff,
        links=links,
        it_contact=it_contact,
    )
    wait = settle_wait(engine, notifier, clock=clock)
    if report.stopped is None and 0 < wait <= settle_limit:
        sleep(wait)
    if report.stopped is None and wait <= settle_limit and still_unknown(engine):
        # The reminders found unsent go out now, once; a second lost reply stays unknown.
        requeued = _settle(engine, notifier, report, clock)
        if requeued:
            _deliver_queue(
                engine,
                notifier,
                sender,
                worker,
                report,
                attempts=attempts,
                backoff=backoff,
                only=requeued,
                links=links,
                it_contact=it_contact,
            )
    notifier.close()
    report.unknown = still_unknown(engine)
    return report


def _settle(
    engine: sa.Engine, notifier: Notifier, report: DeliveryReport, clock: Callable[[], datetime]
) -> set[int]:
    """Ask the channel about unknown reminders; keep one finding per reminder, the latest.

    Return the ids requeued because the channel did not find them.
    """
    findings = resolve_unknown(engine, notifier, clock=clock)
    report.sent.extend(f.reminder_id for f in findings if f.outcome == "sent")
    done = {f.reminder_id for f in findings}
    report.checked = [c for c in report.checked if c["id"] not in done] + [
        f.as_dict() for f in findings
    ]
    return {f.reminder_id for f in findings if f.outcome == "requeued"}


def _deliver_queue(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    worker: str,
    report: DeliveryReport,
    *,
    attempts: int,
    backoff: Callable[[int], float],
    only: set[int] | None = None,
    links: WebLinks | None = None,
    it_contact: ItContact | None = None,
) -> None:
    with Session(engine) as session:
        queue = list(
            session.exec(
                select(Reminder.id).where(Reminder.state == "queued").order_by(col(Reminder.id))
            )
        )
    unreachable = 0  # reminders in a row that ran out of retries on a transient fault
    for reminder_id in queue:
        if only is not None and reminder_id not in only:
            continue  # already tried in this run: it waits for the next one
        assert reminder_id is not None
        if not _claim(engine, reminder_id, worker):
            continue  # another worker has it
        try:
            with Session(engine) as session:
                reminder = session.get(Reminder, reminder_id)
                assert reminder is not None
                message = build_message(
                    session, reminder, sender=sender, links=links, it_contact=it_contact
                )
            message.to_email()  # a letter that cannot be built fails here, not in a channel
        except sa.exc.SQLAlchemyError:
            raise  # the database, not the letter: the claim is recovered by the next run
        except Exception as exc:
            # Only the kind of error: its text may quote an address (п. 3.3 абзац 5).
            reason = f"письмо не удалось составить ({type(exc).__name__}): проверьте адреса"
            _finish(engine, reminder_id, worker=worker, state="failed", last_error=reason)
            report.failed.append(reminder_id)
            continue
        if not message.to:
            _finish(engine, reminder_id, worker=worker, state="failed", last_error="нет адресатов")
            report.failed.append(reminder_id)
            continue
        outcome = _send_with_retries(notifier, message, attempts=attempts, backoff=backoff)
        if isinstance(outcome, int):
            _finish(
                engine,
                reminder_id,
                worker=worker,
                state="sent",
                sent_at=utcnow(),
                channel=notifier.channel,
                last_error=None,
                refused_recipients=outcome,
            )
            report.sent.append(reminder_id)
            if outcome:
                report.partial[reminder_id] = outcome
        elif isinstance(outcome, UnknownOutcome):
            _finish(
                engine,
                reminder_id,
                worker=worker,
                state="unknown",
                channel=notifier.channel,
                last_error=str(outcome),
                claimed_at=utcnow(),  # the channel's records settle from the lost reply on
            )
        elif isinstance(outcome, PermanentDeliveryError) and not outcome.channel_wide:
            _finish(engine, reminder_id, worker=worker, state="failed", last_error=str(outcome))
            report.failed.append(reminder_id)
        elif isinstance(outcome, PermanentDeliveryError):
            _finish(engine, reminder_id, worker=worker, state="queued", last_error=str(outcome))
            report.stopped = str(outcome)
            return
        else:
            _finish(engine, reminder_id, worker=worker, state="queued", last_error=str(outcome))
            report.retry_later.append(reminder_id)
            unreachable += 1
            if unreachable >= GIVE_UP_AFTER:
                # The channel is down, not one letter: retrying each of the rest would
                # take the run hours. They stay queued for the next run.
                report.stopped = (
                    f"{outcome}; {GIVE_UP_AFTER} напоминания подряд не ушли после повторов, "
                    "канал считается недоступным до следующего запуска"
                )
                return
            continue
        unreachable = 0


GIVE_UP_AFTER = 2  # transient failures in a row, each after all its retries, that stop a run


def _send_with_retries(
    notifier: Notifier, message: OutgoingMessage, *, attempts: int, backoff: Callable[[int], float]
) -> Exception | int:
    """Send; return the number of refused recipients, or the error that ended the attempts."""
    for attempt in range(1, attempts + 1):
        try:
            return notifier.send(message) or 0
        except TransientDeliveryError as exc:
            if attempt == attempts:
                return exc
            time.sleep(backoff(attempt))
        except (PermanentDeliveryError, UnknownOutcome) as exc:
            return exc
        except Exception as exc:
            # A channel's unforeseen error may come after the message left: ask before resending.
            return UnknownOutcome(
                f"{notifier.channel}: непредвиденная ошибка ({type(exc).__name__})"
            )
    return TransientDeliveryError(f"{notifier.channel}: не отправлено")
