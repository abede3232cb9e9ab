"""The lifecycle of an account: which steps an event opens, and each step's state.

A *cycle* is what one event sets going: the creation of an account (п. 3.1,
1.4, 3.4, 3.5) or a change of its details (п. 3.2, then 3.4 and 3.5 again,
and 1.4 again when the address changed). Steps wait on the one before them:
the registry entry (3.4) is counted from the notice's receipt, the
publication (3.5) from the quarter in which the entry was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.calendar import WorkingCalendar
from domain.clauses import (
    CHANGE_NOTICE,
    NOTICE,
    PUBLICATION,
    REGISTRY_ENTRY,
    SITE_LINK,
    Clause,
)
from domain.dates import ru
from domain.deadlines import (
    DateRule,
    Deadline,
    late_working_days,
    quarter_publication_deadline,
    working_days_after,
)
from domain.quarter import Quarter


class CycleKind(StrEnum):
    CREATION = "creation"
    CHANGE = "change"


class StepState(StrEnum):
    WAITING = "waiting"  # its term has not started: the step before it is open
    PENDING = "pending"  # due date set, not yet passed
    OVERDUE = "overdue"  # due date passed, not done
    DONE = "done"  # done on or before the due date
    DONE_LATE = "done_late"  # done after the due date


RUSSIAN_STATE = {
    StepState.WAITING: "ожидает предыдущего шага",
    StepState.PENDING: "в работе",
    StepState.OVERDUE: "просрочен",
    StepState.DONE: "выполнен в срок",
    StepState.DONE_LATE: "выполнен с опозданием",
}


@dataclass(frozen=True)
class StepStatus:
    state: StepState
    late_working_days: int


def evaluate(
    calendar: WorkingCalendar, *, due: date | None, done_on: date | None, as_of: date
) -> StepStatus:
    """Judge a step as of a date.

    Lateness is counted in working days after the due date; a step done or
    still open after its due date is late by at least one, even when the days
    since were all days off (a Saturday after a Friday deadline is still late).
    """
    if due is None:
        return StepStatus(StepState.WAITING, 0)
    if done_on is not None:
        if done_on <= due:
            return StepStatus(StepState.DONE, 0)
        return StepStatus(
            StepState.DONE_LATE, max(1, late_working_days(calendar, due=due, on=done_on))
        )
    if as_of <= due:
        return StepStatus(StepState.PENDING, 0)
    return StepStatus(StepState.OVERDUE, max(1, late_working_days(calendar, due=due, on=as_of)))


@dataclass(frozen=True)
class StepPlan:
    """A step an event opens; ``deadline`` is None while it waits on the step before."""

    clause: Clause
    deadline: Deadline | None


def opening_steps(
    calendar: WorkingCalendar, *, kind: CycleKind, occurred_on: date, address_changed: bool = False
) -> list[StepPlan]:
    """Return the steps that the creation or change of an account opens."""
    if kind is CycleKind.CREATION:
        return [
            StepPlan(NOTICE, _term(calendar, NOTICE, occurred_on)),
            StepPlan(SITE_LINK, _term(calendar, SITE_LINK, occurred_on)),
            StepPlan(REGISTRY_ENTRY, None),
            StepPlan(PUBLICATION, None),
        ]
    plans = [StepPlan(CHANGE_NOTICE, _term(calendar, CHANGE_NOTICE, occurred_on))]
    if address_changed:
        # The procedure ties п. 1.4 to creation only; a link to an address that no
        # longer exists fails its purpose, so a new address gets the same term.
        link = working_days_after(
            calendar,
            event=occurred_on,
            n=SITE_LINK.working_days or 0,
            event_words="изменения адреса аккаунта",
        )
        plans.append(
            StepPlan(
                SITE_LINK,
                Deadline(
                    link.due,
                    link.provisional,
                    link.explanation
                    + " Срок п. 1.4 применён к новому адресу по аналогии: ссылка на сайте "
                    "города должна вести на действующий адрес.",
                ),
            )
        )
    plans += [StepPlan(REGISTRY_ENTRY, None), StepPlan(PUBLICATION, None)]
    return plans


def _term(calendar: WorkingCalendar, clause: Clause, event: date) -> Deadline:
    assert clause.working_days is not None
    return working_days_after(
        calendar, event=event, n=clause.working_days, event_words=clause.counted_from
    )


def registry_deadline(calendar: WorkingCalendar, *, received_on: date) -> Deadline:
    """Return the п. 3.4 deadline: five working days from the notice's receipt."""
    return _term(calendar, REGISTRY_ENTRY, received_on)


def publication_deadline(
    calendar: WorkingCalendar, *, entered_on: date, rule: DateRule = DateRule.ART_193
) -> Deadline:
    """Return the п. 3.5 deadline for an entry made on ``entered_on``."""
    quarter = Quarter.of(entered_on)
    base = quarter_publication_deadline(calendar, quarter, rule=rule)
    return Deadline(
        base.due,
        base.provisional,
        f"Сведения внесены в Реестр {ru(entered_on)}, в {quarter.russian().replace('квартал', 'квартале')}. "
        + base.explanation,
    )
