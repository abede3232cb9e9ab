"""Open cycles and their steps in the database; shared by the account and event use cases."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline
from domain.lifecycle import CycleKind, opening_steps
from models.tables import Cycle, Event, Step, utcnow


def open_cycle(
    session: Session,
    calendar: WorkingCalendar,
    *,
    account_id: int,
    kind: CycleKind,
    occurred_on: date,
    summary: str,
    address_changed: bool = False,
) -> Cycle:
    """Insert a cycle and the steps its event opens, each with its due date if it has one."""
    cycle = Cycle(account_id=account_id, kind=kind.value, occurred_on=occurred_on, summary=summary)
    session.add(cycle)
    session.flush()
    assert cycle.id is not None
    for plan in opening_steps(
        calendar, kind=kind, occurred_on=occurred_on, address_changed=address_changed
    ):
        step = Step(cycle_id=cycle.id, account_id=account_id, clause=plan.clause.number)
        if plan.deadline is not None:
            set_deadline(step, plan.deadline, counted_from=occurred_on, calendar=calendar)
        session.add(step)
    return cycle


def set_deadline(
    step: Step, deadline: Deadline, *, counted_from: date, calendar: WorkingCalendar
) -> None:
    """Start a step's term: the due date it will be judged by, and why."""
    step.counted_from = counted_from
    step.due = deadline.due
    step.provisional = deadline.provisional
    step.explanation = deadline.explanation
    step.calendar_version = calendar.version
    step.updated_at = utcnow()


def close_step(step: Step, *, on: date, evidence: str | None = None) -> None:
    step.done_on = on
    step.evidence = evidence
    step.updated_at = utcnow()


def record_event(
    session: Session,
    *,
    kind: str,
    occurred_on: date,
    actor: str,
    account_id: int | None = None,
    **details: Any,
) -> Event:
    """Append the fact as entered; ``details`` must hold no personal data."""
    event = Event(
        account_id=account_id,
        kind=kind,
        occurred_on=occurred_on,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        actor=actor,
    )
    session.add(event)
    return event
