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
from services.audit import append, append_many


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
    steps = []
    for plan in opening_steps(
        calendar, kind=kind, occurred_on=occurred_on, address_changed=address_changed
    ):
        step = Step(cycle_id=cycle.id, account_id=account_id, clause=plan.clause.number)
        if plan.deadline is not None:
            set_deadline(session, step, plan.deadline, counted_from=occurred_on, calendar=calendar)
        session.add(step)
        steps.append(step)
    session.flush()
    append_many(
        session,
        [
            {
                "action": "step.opened",
                "entity": f"step:{s.id}",
                "clause": s.clause,
                "account_id": account_id,
                "calendar_version": s.calendar_version,
                "after": {
                    "cycle": kind.value,
                    "due": s.due,
                    "counted_from": s.counted_from,
                    "provisional": s.provisional,
                },
            }
            for s in steps
        ],
    )
    return cycle


def set_deadline(
    session: Session,
    step: Step,
    deadline: Deadline,
    *,
    counted_from: date,
    calendar: WorkingCalendar,
    action: str = "step.deadline_set",
) -> None:
    """Set the due date a step will be judged by, and why (audited once the step exists).

    ``action`` names the reason in the audit trail: a term starting, or a
    calendar rebaseline moving it.
    """
    if step.id is not None:
        append(
            session,
            action=action,
            entity=f"step:{step.id}",
            clause=step.clause,
            account_id=step.account_id,
            calendar_version=calendar.version,
            before={
                "due": step.due,
                "provisional": step.provisional,
                "calendar_version": step.calendar_version,
            },
            after={
                "due": deadline.due,
                "counted_from": counted_from,
                "provisional": deadline.provisional,
            },
        )
    step.counted_from = counted_from
    step.due = deadline.due
    step.provisional = deadline.provisional
    step.explanation = deadline.explanation
    step.calendar_version = calendar.version
    step.updated_at = utcnow()


def close_step(session: Session, step: Step, *, on: date, evidence: str | None = None) -> None:
    """Record that a step was done on a day; the audit entry keeps the due date it is judged by."""
    append(
        session,
        action="step.closed",
        entity=f"step:{step.id}",
        clause=step.clause,
        account_id=step.account_id,
        calendar_version=step.calendar_version,
        before={"done_on": None},
        after={"done_on": on, "due": step.due, "evidence": evidence},
    )
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
    organ_id = details.get("organ_id")
    entity = (
        f"account:{account_id}"
        if account_id is not None
        else f"organ:{organ_id}"
        if organ_id is not None
        else kind
    )
    append(
        session,
        action=f"event.{kind}",
        entity=entity,
        actor=actor,
        after=details,
        account_id=account_id,
        organ_id=organ_id,
        clause=details.get("clause"),
    )
    event = Event(
        account_id=account_id,
        kind=kind,
        occurred_on=occurred_on,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        actor=actor,
    )
    session.add(event)
    return event
