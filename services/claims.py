"""Claim reminders and record how they ended: one transaction a letter.

Each reminder is claimed (queued -> sending, a conditional UPDATE only one
worker wins) before its letter is sent, and its outcome recorded after, each
with its audit entry. The bookkeeping is batched, not the guarantee: the
previous letter's outcome and the next claim commit together.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from models.tables import Reminder, utcnow
from services.audit import append_many

REMINDERS: sa.Table = Reminder.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Outcome:
    """How one claimed reminder ended, to be written with the next claim."""

    reminder_id: int
    account_id: int | None  # None: a required account not yet created (п. 1.2)
    state: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claimed:
    """A reminder this worker took; its account is None for an account still to create."""

    account_id: int | None


def _audit_entry(
    reminder_id: int,
    account_id: int | None,
    state: str,
    *,
    before: str,
    actor: str,
    detail: Any = None,
) -> dict[str, Any]:
    return {
        "action": f"reminder.{state}",
        "entity": f"reminder:{reminder_id}",
        "actor": actor,
        "account_id": account_id,
        "before": {"state": before},
        "after": {"state": state, "detail": str(detail) if detail else None},
    }


# Statements built once: building one costs more than running it on SQLite.
_CLAIM = (
    sa.update(REMINDERS)
    .where(REMINDERS.c.id == sa.bindparam("rid"), REMINDERS.c.state == "queued")
    .values(
        state="sending",
        claimed_by=sa.bindparam("worker"),
        claimed_at=sa.bindparam("at"),
        attempts=REMINDERS.c.attempts + 1,
    )
    .returning(REMINDERS.c.account_id)
)


@functools.cache
def _finish_statement(columns: tuple[str, ...]) -> sa.Update:
    """An outcome's update: each outcome sets its own few columns (bound by their names)."""
    return (
        sa.update(REMINDERS)
        .where(REMINDERS.c.id == sa.bindparam("rid"))
        .values({c: sa.bindparam(c) for c in columns})
    )


class Ledger:
    """Write outcomes and claims: the last reminder's outcome and the next claim commit together.

    This keeps the guarantee of a transaction each (a claim commits before its
    letter is sent; an outcome commits before the next letter is sent, so a
    crash leaves exactly one reminder ``sending``, which the next run marks
    unknown) at one commit, two updates and one audit append a letter.
    """

    def __init__(self, engine: sa.Engine, worker: str) -> None:
        self.engine, self.worker = engine, worker
        self.pending: Outcome | None = None
        self.conn: sa.Connection | None = None  # one for the run: no pool round trip a letter

    def record(self, outcome: Outcome) -> None:
        assert self.pending is None
        self.pending = outcome

    def claim(self, reminder_id: int | None) -> Claimed | None:
        """Write the pending outcome; take a queued reminder. None: another worker has it."""
        done, self.pending = self.pending, None
        entries: list[dict[str, Any]] = []
        claimed: Claimed | None = None
        if self.conn is None:
            self.conn = self.engine.connect()
        conn = self.conn
        with conn.begin():
            if done is not None:
                values = {"state": done.state, **done.values}
                conn.execute(_finish_statement(tuple(values)), {"rid": done.reminder_id, **values})
                entries.append(
                    _audit_entry(
                        done.reminder_id,
                        done.account_id,
                        done.state,
                        before="sending",
                        actor=self.worker,
                        detail=done.values.get("last_error"),
                    )
                )
            if reminder_id is not None:
                row = conn.execute(
                    _CLAIM, {"rid": reminder_id, "worker": self.worker, "at": utcnow()}
                ).first()
                if row is not None:
                    claimed = Claimed(row[0])
                    entries.append(
                        _audit_entry(
                            reminder_id, row[0], "sending", before="queued", actor=self.worker
                        )
                    )
            append_many(conn, entries)
        return claimed

    def close(self) -> None:
        """Write the last outcome, and give the connection back."""
        try:
            if self.pending is not None:
                self.claim(None)
        finally:
            if self.conn is not None:
                self.conn.close()
