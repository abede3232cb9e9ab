"""Open cycles and their steps in the database; shared by the account and event use cases."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

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


class ClosedStep(NamedTuple):
    """A step that ``close_steps`` closed: enough to report it, not the ORM object."""

    id: int
    account_id: int
    clause: str


def close_steps(
    session: Session, where: Sequence[Any], *, on: date, evidence: str | None, batch: int = 5000
) -> list[ClosedStep]:
    """Close every open step ``where`` selects, as ``close_step`` closes one; list them."""
    closed: list[ClosedStep] = []
    close_steps_batched(session, where, on=on, evidence=evidence, batch=batch, each=closed.extend)
    return closed


def close_steps_batched(
    session: Session,
    where: Sequence[Any],
    *,
    on: date,
    evidence: str | None,
    batch: int = 5000,
    each: Callable[[list[ClosedStep]], object] | None = None,
) -> int:
    """Close every open step ``where`` selects, ``batch`` at a time; return how many.

    A publication closes a п. 3.5 step for every account in the Registry: one
    audit INSERT and one UPDATE (over the batch's id range) per ``batch`` steps
    instead of two statements a step. The entries are those ``close_step``
    writes, chained in step id order; the UPDATE's parameters are a handful.
    The steps are read a batch at a time after the last id closed (a closed step
    is no longer open), so memory stays flat; ``each`` sees every batch closed.
    """
    count, last = 0, 0
    while True:
        chunk = session.execute(
            sa.select(
                col(Step.id),
                col(Step.account_id),
                col(Step.clause),
                col(Step.calendar_version),
                col(Step.due),
            )
            .where(col(Step.done_on).is_(None), col(Step.id) > last, *where)
            .order_by(col(Step.id))
            .limit(batch)
        ).all()
        if not chunk:
            return count
        append_many(
            session,
            [
                {
                    "action": "step.closed",
                    "entity": f"step:{step_id}",
                    "clause": clause,
                    "account_id": account_id,
                    "calendar_version": calendar_version,
                    "before": {"done_on": None},
                    "after": {"done_on": on, "due": due, "evidence": evidence},
                }
                for step_id, account_id, clause, calendar_version, due in chunk
            ],
        )
        # The same condition over the batch's id range: exactly the rows selected above
        # (a step added since has a larger id), in one statement of a few parameters.
        session.execute(
            sa.update(Step)
            .where(
                col(Step.id) >= chunk[0][0],
                col(Step.id) <= chunk[-1][0],
                col(Step.done_on).is_(None),
                *where,
            )
            .values(done_on=on, evidence=evidence, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        closed = {r[0] for r in chunk}
        for obj in list(session.identity_map.values()):  # loaded copies must not keep done_on None
            if isinstance(obj, Step) and obj.id in closed:
                session.expire(obj)
        if each is not None:
            each([ClosedStep(r[0], r[1], r[2]) for r in chunk])
        count += len(chunk)
        last = chunk[-1][0]


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
