"""The reminder policy on golden dates."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.reminders import Audience, ReminderKind, ReminderPolicy, audience, reminder_for

DUE = date(2026, 11, 6)  # Friday; 04.11 (Wed) is a holiday
H, D, OV, E = (
    ReminderKind.HEADS_UP,
    ReminderKind.DUE_TODAY,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATION,
)

SCHEDULE = [
    ("2026-11-03", None, 0),  # two working days before (04.11 is off): nothing yet
    ("2026-11-04", None, 0),  # a holiday: never a reminder
    ("2026-11-05", H, 0),  # the working day before
    ("2026-11-06", D, 0),
    ("2026-11-07", None, 0),  # Saturday
    ("2026-11-09", OV, 1),
    ("2026-11-10", None, 2),
    ("2026-11-11", E, 3),  # third working day overdue: escalation
    ("2026-11-12", None, 4),
    ("2026-11-13", E, 5),
]


@pytest.mark.parametrize(("day", "kind", "late"), SCHEDULE)
def test_the_default_schedule_around_a_due_date(
    calendar: WorkingCalendar, day: str, kind: ReminderKind | None, late: int
) -> None:
    due = reminder_for(calendar, due=DUE, as_of=date.fromisoformat(day))

    assert (due.kind if due else None) == kind
    if due:
        assert due.working_days_late == late


def test_a_working_saturday_gets_reminders(calendar: WorkingCalendar) -> None:
    # 01.11.2025 is a working Saturday, and 03-04.11 are off: it is the last day before 05.11.
    due = reminder_for(calendar, due=date(2025, 11, 5), as_of=date(2025, 11, 1))

    assert due is not None and due.kind is H


def test_a_strict_due_date_on_a_day_off_gets_its_heads_up_on_friday(
    calendar: WorkingCalendar,
) -> None:
    due = reminder_for(calendar, due=date(2026, 4, 25), as_of=date(2026, 4, 24))

    assert due is not None and due.kind is H


def test_the_policy_is_configurable(calendar: WorkingCalendar) -> None:
    policy = ReminderPolicy(heads_up=False, overdue_every=1, escalate_from=2)

    assert reminder_for(calendar, due=DUE, as_of=date(2026, 11, 5), policy=policy) is None
    second = reminder_for(calendar, due=DUE, as_of=date(2026, 11, 10), policy=policy)
    assert second is not None and second.kind is E


def test_organ_steps_go_to_specialists_and_registry_steps_to_it() -> None:
    assert [audience(c) for c in ("3.1", "3.2", "1.4", "3.4", "3.5")] == [
        Audience.SPECIALISTS,
        Audience.SPECIALISTS,
        Audience.SPECIALISTS,
        Audience.IT,
        Audience.IT,
    ]


MONDAY_SCHEDULE = [
    ("2026-11-12", None),  # Thursday: two working days before
    ("2026-11-13", H),  # Friday: the last working day before Monday's due date
    ("2026-11-14", None),  # Saturday
    ("2026-11-15", None),  # Sunday
    ("2026-11-16", D),
]


@pytest.mark.parametrize(("day", "kind"), MONDAY_SCHEDULE)
def test_a_monday_due_date_gets_its_heads_up_on_the_friday_before(
    calendar: WorkingCalendar, day: str, kind: ReminderKind | None
) -> None:
    due = reminder_for(calendar, due=date(2026, 11, 16), as_of=date.fromisoformat(day))

    assert (due.kind if due else None) == kind
    if due and due.kind is H:
        assert due.working_days_left == 1
