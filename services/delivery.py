"""Deliver queued reminders exactly once: claim in the database, send, record the outcome.

Each reminder moves queued -> sending (a committed claim that only one worker
can win) -> sent. A worker that dies while sending leaves the claim behind;
the next run finds it (its process is gone, or the claim is stale), marks it
unknown, and asks the channel whether it went before sending again.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.tables import Reminder, utcnow
from notifications.base import (
    Notifier,
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)
from services.claims import Ledger, Outcome
from services.letters import ItContact, LetterBatch, WebLinks
from services.recovery import (
    STALE_AFTER,
    recover_abandoned,
    resolve_unknown,
    settle_wait,
    still_unknown,
)

__all__ = ["DeliveryReport", "ItContact", "WebLinks", "deliver", "worker_id"]

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


BATCH = 100  # reminders whose letters' rows are read in one go


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
        queue = [
            i
            for i in session.exec(
                select(Reminder.id).where(Reminder.state == "queued").order_by(col(Reminder.id))
            )
            if i is not None and (only is None or i in only)  # others tried: the next run
        ]
    ledger = Ledger(engine, worker)
    unreachable = 0  # reminders in a row that ran out of retries on a transient fault
    try:
        for start in range(0, len(queue), BATCH):
            chunk = queue[start : start + BATCH]
            with Session(engine) as session:
                letters = LetterBatch.load(session, chunk)
            for reminder_id in chunk:
                claimed = ledger.claim(reminder_id)
                if claimed is None:
                    continue  # another worker has it
                account_id = claimed.account_id
                try:
                    message = letters.compose(
                        reminder_id, sender=sender, links=links, it_contact=it_contact
                    )
                except Exception as exc:
                    # Only the kind of error: its text may quote an address (п. 3.3 абзац 5).
                    reason = f"письмо не удалось составить ({type(exc).__name__}): проверьте адреса"
                    ledger.record(_failed(reminder_id, account_id, reason, report))
                    continue
                if not message.to:
                    ledger.record(_failed(reminder_id, account_id, "нет адресатов", report))
                    continue
                outcome = _send_with_retries(notifier, message, attempts=attempts, backoff=backoff)
                ledger.record(_judge(reminder_id, account_id, outcome, notifier.channel, report))
                if isinstance(outcome, PermanentDeliveryError) and outcome.channel_wide:
                    report.stopped = str(outcome)
                    return
                if not isinstance(outcome, TransientDeliveryError):
                    unreachable = 0
                    continue
                unreachable += 1
                if unreachable >= GIVE_UP_AFTER:
                    # The channel is down, not one letter: retrying each of the rest would
                    # take the run hours. They stay queued for the next run.
                    report.stopped = (
                        f"{outcome}; {GIVE_UP_AFTER} напоминания подряд не ушли после повторов, "
                        "канал считается недоступным до следующего запуска"
                    )
                    return
    finally:
        ledger.close()


def _failed(
    reminder_id: int, account_id: int | None, reason: str, report: DeliveryReport
) -> Outcome:
    report.failed.append(reminder_id)
    return Outcome(reminder_id, account_id, "failed", {"last_error": reason})


def _judge(
    reminder_id: int,
    account_id: int | None,
    outcome: Exception | int,
    channel: str,
    report: DeliveryReport,
) -> Outcome:
    """Turn what the channel said into the reminder's next state, and note it in the report."""
    if isinstance(outcome, int):
        report.sent.append(reminder_id)
        if outcome:
            report.partial[reminder_id] = outcome
        values = {"sent_at": utcnow(), "channel": channel, "last_error": None}
        return Outcome(reminder_id, account_id, "sent", {**values, "refused_recipients": outcome})
    if isinstance(outcome, UnknownOutcome):
        values = {"channel": channel, "last_error": str(outcome)}
        # The channel's records settle from the lost reply on.
        return Outcome(reminder_id, account_id, "unknown", {**values, "claimed_at": utcnow()})
    if isinstance(outcome, PermanentDeliveryError) and not outcome.channel_wide:
        return _failed(reminder_id, account_id, str(outcome), report)
    if not isinstance(outcome, PermanentDeliveryError):
        report.retry_later.append(reminder_id)
    return Outcome(reminder_id, account_id, "queued", {"last_error": str(outcome)})


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
