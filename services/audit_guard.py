"""What `srok audit verify` checks beyond the hash chain itself.

A chain that is consistent in itself can still be short: someone able to drop
the triggers can delete its tail, or all of it, and the rest still links up;
anyone who can INSERT can append a correctly chained forged entry. So verify
also checks that

- the triggers that refuse UPDATE and DELETE are in place (`srok init` restores them);
- the chain holds at least as many entries as the other tables imply: one per
  event, per step opened and closed, per reminder queued and sent;
- every head srok wrote outside the database is still in the chain, unchanged:
  after each day's sweep the head (id:hash) is appended to a file
  (SROK_ANCHOR_FILE, default $SROK_HOME/anchors/audit-head.txt).

The file is outside the database, not outside the machine: copied or mailed
elsewhere, it becomes an anchor nobody with the database alone can rewrite.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from domain.audit import Verdict
from models import triggers
from models.tables import Event, Reminder, Step
from services.app import Srok
from services.audit import AUDIT, head, verify_chain

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d+):([0-9a-f]{64})$")


@dataclass
class AuditCheck:
    """The chain's verdict, with what else was checked and found."""

    verdict: Verdict
    missing_triggers: list[str] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)
    anchors: int = 0
    anchor_file: str = ""
    anchor_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict.ok and not (
            self.missing_triggers or self.shortfalls or self.anchor_problems
        )

    @property
    def words(self) -> str:
        found = [self.verdict.words] if not self.verdict.ok and self.verdict.words else []
        found += [f"нет триггера {t}: выполните `srok init`" for t in self.missing_triggers]
        found += self.shortfalls + self.anchor_problems
        return "; ".join(found)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.verdict.as_dict(),
            "ok": self.ok,
            "words": self.words or None,
            "missing_triggers": self.missing_triggers,
            "shortfalls": self.shortfalls,
            "anchors_checked": self.anchors,
            "anchor_file": self.anchor_file,
        }


def _count(conn: sa.Connection, table: Any, *where: Any) -> int:
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    )


def shortfalls(conn: sa.Connection) -> list[str]:
    """Compare the chain with what the other tables imply: each fact has its entry."""
    action = AUDIT.c.action
    step, reminder, event = Step.__table__, Reminder.__table__, Event.__table__  # type: ignore[attr-defined]
    pairs = [
        ("событий", _count(conn, event), _count(conn, AUDIT, action.like("event.%"))),
        ("шагов", _count(conn, step), _count(conn, AUDIT, action == "step.opened")),
        (
            "выполненных шагов",
            _count(conn, step, step.c.done_on.is_not(None)),
            _count(conn, AUDIT, action == "step.closed"),
        ),
        ("напоминаний", _count(conn, reminder), _count(conn, AUDIT, action == "reminder.queued")),
        (
            "отправленных напоминаний",
            _count(conn, reminder, reminder.c.state == "sent"),
            _count(conn, AUDIT, action == "reminder.sent"),
        ),
    ]
    return [
        f"журнал короче базы: {what} {facts}, а записей о них {entries}"
        for what, facts, entries in pairs
        if entries < facts
    ]


def read_anchors(path: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """Read the anchors file: (id, hash) per line; a damaged line is a problem to report."""
    if not path.exists():
        return [], []
    anchors, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if match is None:
            problems.append(f"файл якорей {path}: строка {number} повреждена")
            continue
        anchors.append((int(match.group(2)), match.group(3)))
    seen: dict[int, str] = {}
    for number, digest in anchors:
        if seen.setdefault(number, digest) != digest:
            problems.append(f"файл якорей {path}: для записи № {number} два разных хеша")
    return anchors, problems


def write_anchor(engine: sa.Engine, path: Path, *, day: date) -> tuple[int, str] | None:
    """Append the chain's head to the anchors file (once per head), flushed to disk."""
    with engine.connect() as conn:
        head_id, head_hash = head(conn)
    if head_id == 0:
        return None
    line = f"{day.isoformat()} {head_id}:{head_hash}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8").endswith(line.partition(" ")[2]):
        return head_id, head_hash  # nothing appended since the last anchor
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    return head_id, head_hash


def check_audit(
    engine: sa.Engine, *, anchors_path: Path, anchor: tuple[int, str] | None = None
) -> AuditCheck:
    """Verify the chain against itself, the triggers, the other tables and the anchors."""
    pinned, problems = read_anchors(anchors_path)
    with engine.connect() as conn:
        missing = triggers.missing(conn)
        short = shortfalls(conn)
    verdict = verify_chain(engine, anchor=anchor, anchors=pinned)
    return AuditCheck(
        verdict=verdict,
        missing_triggers=missing,
        shortfalls=short,
        anchors=len(pinned) + (1 if anchor else 0),
        anchor_file=str(anchors_path),
        anchor_problems=problems,
    )


def anchor_day(app: Srok, *, day: date) -> tuple[int, str] | None:
    """After a day's sweep: write the chain's head outside the database."""
    return write_anchor(app.engine, app.settings.anchors, day=day)
