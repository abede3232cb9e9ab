"""The state of a step as of a date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.lifecycle import StepState, evaluate

DUE = date(2026, 11, 27)  # a Friday

CASES = [
    (None, None, "2026-11-20", StepState.WAITING, 0),
    (DUE, None, "2026-11-26", StepState.PENDING, 0),
    (DUE, None, "2026-11-27", StepState.PENDING, 0),
    (DUE, None, "2026-11-28", StepState.OVERDUE, 1),  # Saturday: still late
    (DUE, None, "2026-11-30", StepState.OVERDUE, 1),
    (DUE, None, "2026-12-02", StepState.OVERDUE, 3),
    (DUE, date(2026, 11, 27), "2026-12-10", StepState.DONE, 0),
    (DUE, date(2026, 11, 24), "2026-12-10", StepState.DONE, 0),
    (DUE, date(2026, 12, 1), "2026-12-10", StepState.DONE_LATE, 2),
]


@pytest.mark.parametrize(("due", "done", "as_of", "state", "late"), CASES)
def test_a_step_is_judged_by_its_due_date_and_completion(
    calendar: WorkingCalendar,
    due: date | None,
    done: date | None,
    as_of: str,
    state: StepState,
    late: int,
) -> None:
    status = evaluate(calendar, due=due, done_on=done, as_of=date.fromisoformat(as_of))

    assert (status.state, status.late_working_days) == (state, late)


def test_lateness_skips_holidays(calendar: WorkingCalendar) -> None:
    status = evaluate(calendar, due=date(2026, 11, 3), done_on=None, as_of=date(2026, 11, 6))

    assert status.late_working_days == 2  # 05.11 and 06.11; 04.11 is a holiday
