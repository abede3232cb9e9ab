"""Read the reminder queue for people: states and ids, never addresses."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from domain.errors import RuleViolation
from models.tables import Reminder, Step

STATES = ("queued", "sending", "sent", "failed", "unknown")


def list_reminders(
    session: Session, *, state: str | None = None, account_id: int | None = None
) -> list[dict[str, Any]]:
    if state is not None and state not in STATES:
        raise RuleViolation("--state", f"«{state}» — допустимо {', '.join(STATES)}")
    query = select(Reminder, Step.clause).join(Step, col(Step.id) == col(Reminder.step_id))
    if state:
        query = query.where(Reminder.state == state)
    if account_id is not None:
        query = query.where(Reminder.account_id == account_id)
    rows = session.exec(query.order_by(col(Reminder.id)))
    return [
        {
            "id": r.id,
            "key": r.key,
            "account_id": r.account_id,
            "clause": clause,
            "kind": r.kind,
            "on_date": r.on_date.isoformat(),
            "due": r.due.isoformat(),
            "state": r.state,
            "attempts": r.attempts,
            "channel": r.channel,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "last_error": r.last_error,
            "refused": r.refused_recipients,  # recipients refused: a count, never addresses
        }
        for r, clause in rows
    ]
