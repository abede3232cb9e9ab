"""Move open due dates to a changed calendar, only when asked, and record every move.

A new or corrected decree changes working days. Open steps are recomputed from
the day their term runs from; closed steps keep the due date they were judged
by. `--dry-run` shows the moves and writes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES, FINDING_CLAUSES
from domain.deadlines import DateRule, Deadline, working_days_after
from domain.lifecycle import publication_deadline
from models.tables import Step
from services.audit import append
from services.steps import set_deadline


@dataclass(frozen=True)
class Move:
    step_id: int
    account_id: int | None  # None: a required account not yet created (п. 1.2)
    clause: str
    old_due: str
    new_due: str
    old_provisional: bool
    new_provisional: bool
    old_calendar: str | None
    new_calendar: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _recompute(step: Step, calendar: WorkingCalendar, rule: DateRule) -> Deadline:
    assert step.counted_from is not None
    if step.clause == "3.5":
        return publication_deadline(calendar, entered_on=step.counted_from, rule=rule)
    clause = CLAUSES[step.clause]
    assert clause.working_days is not None
    return working_days_after(
        calendar, event=step.counted_from, n=clause.working_days, event_words=clause.counted_from
    )


def rebaseline(
    *, session: Session, calendar: WorkingCalendar, rule: DateRule, dry_run: bool
) -> list[Move]:
    """Find the open steps whose due date the current calendar moves; apply unless ``dry_run``."""
    steps = session.exec(
        select(Step)
        .where(
            col(Step.done_on).is_(None),
            col(Step.due).is_not(None),
            col(Step.counted_from).is_not(None),
            col(Step.clause).not_in(FINDING_CLAUSES),  # told on a day, not counted in days
        )
        .order_by(col(Step.id))
    ).all()
    moves = []
    for step in steps:
        deadline = _recompute(step, calendar, rule)
        assert step.due is not None and step.id is not None and step.counted_from is not None
        if deadline.due == step.due and deadline.provisional == step.provisional:
            continue
        move = Move(
            step.id,
            step.account_id,
            step.clause,
            step.due.isoformat(),
            deadline.due.isoformat(),
            step.provisional,
            deadline.provisional,
            step.calendar_version,
            calendar.version,
        )
        moves.append(move)
        if dry_run:
            continue
        set_deadline(
            session,
            step,
            deadline,
            counted_from=step.counted_from,
            calendar=calendar,
            action="step.rebaselined",
        )
        session.add(step)
    if moves and not dry_run:
        append(
            session,
            action="calendar.changed",
            entity="calendar",
            calendar_version=calendar.version,
            before={"versions": sorted({m.old_calendar or "" for m in moves})},
            after={"version": calendar.version, "moved_steps": len(moves)},
        )
    return moves
