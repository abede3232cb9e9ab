"""Which reminder a step gets on a given day, and who it goes to.

The policy counts working days of the city's calendar only: a reminder is never
due on a day off, and a working Saturday is a day like any other.
- a heads-up on the last working day before the due date;
- a reminder on the due date;
- an overdue reminder on the first working day after it, then every
  ``overdue_every`` working days;
- from the ``escalate_from``-th working day overdue, the overdue reminder is an
  escalation: it copies the organ's head mailbox and the IT department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES, Party


class ReminderKind(StrEnum):
    HEADS_UP = "heads_up"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


class Audience(StrEnum):
    """Whom a reminder is addressed to."""

    SPECIALISTS = "specialists"  # the account's responsible specialists (or the organ)
    IT = "it"  # the IT department's mailbox


@dataclass(frozen=True)
class ReminderPolicy:
    """The one place the reminder schedule is configured."""

    heads_up: bool = True
    on_due_date: bool = True
    overdue_every: int = 2
    escalate_from: int = 3

    def __post_init__(self) -> None:
        if self.overdue_every < 1 or self.escalate_from < 1:
            raise ValueError("overdue_every and escalate_from must be at least 1")


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True)
class ReminderDue:
    kind: ReminderKind
    working_days_left: int  # 0 on the due date and after
    working_days_late: int  # 0 until the due date has passed


def reminder_for(
    calendar: WorkingCalendar,
    *,
    due: date,
    as_of: date,
    policy: ReminderPolicy = DEFAULT_POLICY,
) -> ReminderDue | None:
    """Return the reminder an open step with ``due`` gets on ``as_of``, if any."""
    if not calendar.is_working(as_of):
        return None
    if as_of < due:
        # A due date on a day off (п. 3.5 read strictly) still gets its heads-up on
        # the last working day before it.
        if policy.heads_up and calendar.add_working_days(as_of, 1) >= due:
            left = max(1, calendar.working_days_between(as_of, due))
            return ReminderDue(ReminderKind.HEADS_UP, left, 0)
        return None
    if as_of == due:
        return ReminderDue(ReminderKind.DUE_TODAY, 0, 0) if policy.on_due_date else None
    late = calendar.working_days_between(due, as_of)
    if late < 1 or (late - 1) % policy.overdue_every:
        return None
    kind = ReminderKind.ESCALATION if late >= policy.escalate_from else ReminderKind.OVERDUE
    return ReminderDue(kind, 0, late)


def audience(clause: str) -> Audience:
    """Return who owes the step: the organ's specialists (п. 1.4, 3.1, 3.2) or the IT department (п. 3.4, 3.5)."""
    return Audience.SPECIALISTS if CLAUSES[clause].party is Party.ORGAN else Audience.IT


def finding_reminder(calendar: WorkingCalendar, *, due: date, as_of: date) -> ReminderDue | None:
    """Return the one reminder of a finding (п. 2.1, 2.4): on the first working day from ``due``.

    A finding is told once, not chased: its step is closed as soon as this
    reminder is queued, so a sweep missed on the day still tells it the next one.
    """
    if not calendar.is_working(as_of) or as_of < due:
        return None
    return ReminderDue(ReminderKind.DUE_TODAY, 0, 0)
