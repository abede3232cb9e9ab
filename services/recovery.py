"""Settle reminders whose outcome is unknown: ask the channel, never resend blindly.

A reminder is ``unknown`` when a worker died while sending it, or when the
channel lost its reply. Whatever requeues (the sweep, `srok outbox retry`)
goes through here: the outbox looks for the file, Exchange for the key in Sent
Items, and SMTP, which cannot be asked, gets the message again with the same
Message-ID. Each reminder gets one finding in words, so the operator sees what
was found, not only a count.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.db import transaction
from models.tables import Reminder, utcnow
from notifications.base import DeliveryError, Notifier
from services.audit import append

STALE_AFTER = timedelta(minutes=15)

FOUND_SENT = "найдено отправленным: повторно не отправляется"
NOT_FOUND = "не найдено: снова в очереди"
CANNOT_TELL = "канал не может проверить: отправляется снова с тем же Message-ID"
TOO_RECENT = "слишком рано для проверки: записи канала ещё могут не показать письмо"


@dataclass(frozen=True)
class Finding:
    """What the channel said about one unknown reminder (no addresses, ids only)."""

    reminder_id: int
    outcome: str  # sent, requeued, too_recent, cannot_ask
    words: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.reminder_id, "outcome": self.outcome, "found": self.words}


def audit_outcome(
    target: Session | sa.Connection,
    reminder_id: int,
    account_id: int | None,
    state: str,
    *,
    before: str,
    actor: str,
    detail: str | None = None,
) -> None:
    """Append a reminder's change of state to the audit chain, in the caller's transaction."""
    append(
        target,
        action=f"reminder.{state}",
        entity=f"reminder:{reminder_id}",
        actor=actor,
        account_id=account_id,
        before={"state": before},
        after={"state": state, "detail": detail},
    )


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
                audit_outcome(
                    session,
                    r.id or 0,
                    r.account_id,
                    "unknown",
                    before="sending",
                    actor="srok:recovery",
                    detail=r.last_error,
                )
    return abandoned


def resolve_unknown(
    engine: sa.Engine, notifier: Notifier, *, clock: Callable[[], datetime] = utcnow
) -> list[Finding]:
    """Ask the channel about each unknown reminder: sent ones are recorded, others requeued.

    One settled too recently for the channel's records is left unknown (see
    ``settle_wait``); one the channel cannot be asked about now stays unknown too.
    """
    findings: list[Finding] = []
    settled = clock() - timedelta(seconds=notifier.settle_seconds)
    with transaction(engine) as session:
        unknown = session.exec(
            select(Reminder).where(Reminder.state == "unknown").order_by(col(Reminder.id))
        ).all()
        for r in unknown:
            rid = r.id or 0
            if r.claimed_at is not None and r.claimed_at > settled:
                findings.append(Finding(rid, "too_recent", TOO_RECENT))
                continue
            try:
                went = notifier.was_sent(r.key)
            except DeliveryError as exc:
                findings.append(Finding(rid, "cannot_ask", f"проверить не удалось: {exc}"))
                continue
            if went:
                r.state, r.sent_at, r.channel = "sent", utcnow(), notifier.channel
                finding = Finding(rid, "sent", FOUND_SENT)
            else:
                r.state = "queued"
                finding = Finding(rid, "requeued", NOT_FOUND if went is False else CANNOT_TELL)
            findings.append(finding)
            session.add(r)
            audit_outcome(
                session,
                rid,
                r.account_id,
                r.state,
                before="unknown",
                actor="srok:recovery",
                detail=f"{notifier.channel}: {finding.words}",
            )
    return findings


def settle_wait(
    engine: sa.Engine, notifier: Notifier, *, clock: Callable[[], datetime] = utcnow
) -> float:
    """Seconds until every unknown reminder is old enough for the channel to be asked."""
    with Session(engine) as session:
        latest: datetime | None = session.exec(
            select(sa.func.max(Reminder.claimed_at)).where(Reminder.state == "unknown")
        ).one()
    if latest is None:
        return 0.0
    ready = latest + timedelta(seconds=notifier.settle_seconds)
    return max(0.0, (ready - clock()).total_seconds())


def still_unknown(engine: sa.Engine) -> list[int]:
    """Every reminder whose outcome is still unknown, whichever run left it so."""
    with Session(engine) as session:
        return [
            i
            for i in session.exec(
                select(Reminder.id).where(Reminder.state == "unknown").order_by(col(Reminder.id))
            )
            if i is not None
        ]


def requeue_failed(session: Session) -> list[int]:
    """Put failed reminders back in the queue (`srok outbox retry`).

    Unknown ones are not requeued here: they may have gone, so delivery asks
    the channel about them first (``resolve_unknown``).
    """
    rows = session.exec(select(Reminder).where(Reminder.state == "failed")).all()
    for r in rows:
        audit_outcome(
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
    return sorted(r.id or 0 for r in rows)
