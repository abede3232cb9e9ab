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
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.networks import NETWORKS
from domain.quarter import Quarter
from domain.reminders import ReminderKind
from models.db import transaction
from models.tables import Account, Organ, Reminder, Specialist, Step, utcnow
from notifications.base import (
    DeliveryError,
    Notifier,
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)
from notifications.templates import ReminderContent, render
from services import action_links
from services.audit import append

STALE_AFTER = timedelta(minutes=15)
REMINDERS: sa.Table = Reminder.__table__  # type: ignore[attr-defined]


def worker_id() -> str:
    """Name this process: host and pid (to tell a dead claimant), plus a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # a human must look (bad address)
    retry_later: list[int] = field(default_factory=list)  # transient faults, still queued
    unknown: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)  # crashed claims resolved this run
    stopped: str | None = None  # a channel-wide fault stopped delivery

    @property
    def ok(self) -> bool:
        return not (self.failed or self.retry_later or self.unknown or self.stopped)


def _claimant_dead(claimed_by: str | None) -> bool:
    if not claimed_by:
        return True
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_abandoned(engine: sa.Engine, *, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Mark claims left by dead or stale workers as unknown: they may have been sent."""
    cutoff = utcnow() - stale_after
    with transaction(engine) as session:
        rows = session.exec(select(Reminder).where(Reminder.state == "sending")).all()
        abandoned = []
        for r in rows:
            if _claimant_dead(r.claimed_by) or (r.claimed_at is not None and r.claimed_at < cutoff):
                r.state = "unknown"
                r.last_error = "доставка прервана: исход неизвестен"
                session.add(r)
                abandoned.append(r.id or 0)
                _audit(
                    session,
                    r.id or 0,
                    r.account_id,
                    "unknown",
                    before="sending",
                    actor="srok:recovery",
                    detail=r.last_error,
                )
    return abandoned


def resolve_unknown(engine: sa.Engine, notifier: Notifier) -> tuple[list[int], list[int]]:
    """Ask the channel about each unknown reminder: sent ones are recorded, others requeued.

    A channel that cannot tell (SMTP) gets the message again with the same
    Message-ID, which mail clients and servers recognise as one message.
    """
    sent, requeued = [], []
    settled = utcnow() - timedelta(seconds=notifier.settle_seconds)
    with transaction(engine) as session:
        unknown = session.exec(select(Reminder).where(Reminder.state == "unknown")).all()
        for r in unknown:
            if r.claimed_at is not None and r.claimed_at > settled:
                continue  # too recent for the channel's records to show it
            try:
                went = notifier.was_sent(r.key)
            except DeliveryError:
                continue  # cannot ask now: stays unknown, the run stays red
            if went:
                r.state, r.sent_at, r.channel = "sent", utcnow(), notifier.channel
                sent.append(r.id or 0)
            else:
                r.state = "queued"
                requeued.append(r.id or 0)
            session.add(r)
            _audit(
                session,
                r.id or 0,
                r.account_id,
                r.state,
                before="unknown",
                actor="srok:recovery",
                detail=f"{notifier.channel}: "
                + ("найдено отправленным" if went else "не найдено, снова в очереди"),
            )
    return sent, requeued


def _audit(
    target: Session | sa.Connection,
    reminder_id: int,
    account_id: int | None,
    state: str,
    *,
    before: str,
    actor: str,
    detail: str | None = None,
) -> None:
    append(
        target,
        action=f"reminder.{state}",
        entity=f"reminder:{reminder_id}",
        actor=actor,
        account_id=account_id,
        before={"state": before},
        after={"state": state, "detail": detail},
    )


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
        _audit(conn, reminder_id, claimed[0], "sending", before="queued", actor=worker)
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
        _audit(
            conn,
            reminder_id,
            account_id,
            state,
            before="sending",
            actor=worker,
            detail=str(detail) if detail else None,
        )


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
    session: Session, reminder: Reminder, *, sender: str, links: WebLinks | None = None
) -> OutgoingMessage:
    """Compose a reminder, looking up the specialists' addresses only now."""
    step = session.get(Step, reminder.step_id)
    account = session.get(Account, reminder.account_id)
    assert step is not None and account is not None
    organ = session.get(Organ, account.organ_id)
    assert organ is not None
    ids = json.loads(reminder.specialist_ids)
    people = (
        session.exec(select(Specialist).where(col(Specialist.id).in_(ids))).all() if ids else []
    )
    to = tuple(sorted({p.email for p in people} | set(json.loads(reminder.mailboxes))))
    cc = tuple(m for m in json.loads(reminder.cc_mailboxes) if m not in to)
    copies = tuple(
        "руководителю органа" if m == organ.head_email else "в отдел информатизации" for m in cc
    )
    action_url, page_url = links.for_step(step, reminder) if links else (None, None)
    content = ReminderContent(
        action_url=action_url,
        page_url=page_url,
        key=reminder.key,
        kind=ReminderKind(reminder.kind),
        clause=step.clause,
        due=reminder.due,
        explanation=step.explanation or "",
        provisional=step.provisional,
        working_days_left=reminder.working_days_left,
        working_days_late=reminder.working_days_late,
        account_id=account.id or 0,
        organ=organ.name,
        network=NETWORKS[account.network].russian,
        url=account.url,
        copies=copies,
        quarter=str(Quarter.of(step.counted_from))
        if step.clause == "3.5" and step.counted_from
        else None,
    )
    subject, text, html = render(content)
    return OutgoingMessage(
        key=reminder.key, sender=sender, to=to, cc=cc, subject=subject, text=text, html=html
    )


def deliver(
    *,
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    worker: str | None = None,
    attempts: int = 3,
    backoff: Callable[[int], float] = lambda n: float(2**n),
    stale_after: timedelta = STALE_AFTER,
    links: WebLinks | None = None,
) -> DeliveryReport:
    """Deliver every queued reminder once; try each up to ``attempts`` times on transient faults."""
    worker = worker or worker_id()
    report = DeliveryReport()
    report.recovered = recover_abandoned(engine, stale_after=stale_after)
    resolved, _ = resolve_unknown(engine, notifier)
    report.sent.extend(resolved)
    with Session(engine) as session:
        queue = list(
            session.exec(
                select(Reminder.id).where(Reminder.state == "queued").order_by(col(Reminder.id))
            )
        )
    for reminder_id in queue:
        assert reminder_id is not None
        if not _claim(engine, reminder_id, worker):
            continue  # another worker has it
        with Session(engine) as session:
            reminder = session.get(Reminder, reminder_id)
            assert reminder is not None
            message = build_message(session, reminder, sender=sender, links=links)
        if not message.to:
            _finish(engine, reminder_id, worker=worker, state="failed", last_error="нет адресатов")
            report.failed.append(reminder_id)
            continue
        outcome = _send_with_retries(notifier, message, attempts=attempts, backoff=backoff)
        if outcome is None:
            _finish(
                engine,
                reminder_id,
                worker=worker,
                state="sent",
                sent_at=utcnow(),
                channel=notifier.channel,
                last_error=None,
            )
            report.sent.append(reminder_id)
        elif isinstance(outcome, UnknownOutcome):
            _finish(
                engine,
                reminder_id,
                worker=worker,
                state="unknown",
                channel=notifier.channel,
                last_error=str(outcome),
            )
            report.unknown.append(reminder_id)
        elif isinstance(outcome, PermanentDeliveryError) and not outcome.channel_wide:
            _finish(engine, reminder_id, worker=worker, state="failed", last_error=str(outcome))
            report.failed.append(reminder_id)
        elif isinstance(outcome, PermanentDeliveryError):
            _finish(engine, reminder_id, worker=worker, state="queued", last_error=str(outcome))
            report.stopped = str(outcome)
            break
        else:
            _finish(engine, reminder_id, worker=worker, state="queued", last_error=str(outcome))
            report.retry_later.append(reminder_id)
    notifier.close()
    return report


def _send_with_retries(
    notifier: Notifier, message: OutgoingMessage, *, attempts: int, backoff: Callable[[int], float]
) -> Exception | None:
    for attempt in range(1, attempts + 1):
        try:
            notifier.send(message)
            return None
        except TransientDeliveryError as exc:
            if attempt == attempts:
                return exc
            time.sleep(backoff(attempt))
        except (PermanentDeliveryError, UnknownOutcome) as exc:
            return exc
    return None


def requeue_failed(session: Session) -> int:
    """Put failed and unknown reminders back in the queue (`srok outbox retry`)."""
    rows = session.exec(
        select(Reminder).where(col(Reminder.state).in_(("failed", "unknown")))
    ).all()
    for r in rows:
        _audit(
            session,
            r.id or 0,
            r.account_id,
            "queued",
            before=r.state,
            actor=str(session.info.get("actor") or "srok"),
            detail="srok outbox retry",
        )
        r.state = "queued"
        session.add(r)
    return len(rows)
