"""Every clause's deadline on golden dates, and the invariants of counting (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import CalendarError, WorkingCalendar, YearCalendar
from domain.deadlines import (
    DateRule,
    quarter_publication_deadline,
    working_days_after,
)
from domain.lifecycle import CycleKind, opening_steps, publication_deadline, registry_deadline
from domain.quarter import Quarter

# The 25th of the month after each quarter; where it is a day off, ГК РФ ст. 193
# moves it to the next working day (weekdays checked by hand on a calendar).
QUARTER_DEADLINES = {
    "2023Q1": "2023-04-25",
    "2023Q2": "2023-07-25",
    "2023Q3": "2023-10-25",
    "2023Q4": "2024-01-25",
    "2024Q1": "2024-04-25",
    "2024Q2": "2024-07-25",
    "2024Q3": "2024-10-25",
    "2024Q4": "2025-01-27",  # 25.01.2025 is a Saturday
    "2025Q1": "2025-04-25",
    "2025Q2": "2025-07-25",
    "2025Q3": "2025-10-27",  # Saturday
    "2025Q4": "2026-01-26",  # Sunday
    "2026Q1": "2026-04-27",  # Saturday
    "2026Q2": "2026-07-27",  # Saturday
    "2026Q3": "2026-10-26",  # Sunday
    "2026Q4": "2027-01-25",  # Monday, in 2027: provisional
}


@pytest.mark.parametrize(("quarter", "expected"), sorted(QUARTER_DEADLINES.items()))
def test_the_publication_deadline_of_each_quarter_follows_article_193(
    calendar: WorkingCalendar, quarter: str, expected: str
) -> None:
    deadline = quarter_publication_deadline(calendar, Quarter.parse(quarter))

    assert deadline.due.isoformat() == expected
    assert deadline.provisional == expected.startswith("2027")
    assert "п. 3.5" in deadline.explanation


def test_the_strict_rule_keeps_the_25th_even_on_a_day_off(calendar: WorkingCalendar) -> None:
    deadline = quarter_publication_deadline(calendar, Quarter.parse("2026Q1"), rule=DateRule.STRICT)

    assert deadline.due == date(2026, 4, 25)
    assert "строгое" in deadline.explanation


def test_article_193_is_named_when_it_moves_the_date(calendar: WorkingCalendar) -> None:
    deadline = quarter_publication_deadline(calendar, Quarter.parse("2026Q1"))

    assert "ст. 193" in deadline.explanation
    assert "25.04.2026 (суббота)" in deadline.explanation
    assert "27.04.2026 (понедельник)" in deadline.explanation


# (event, clause, due): by ГК РФ ст. 191, counted from the next day, working days only.
CLAUSE_GOLDEN = [
    ("2026-11-20", "3.1", "2026-11-25"),  # Fri -> Mon, Tue, Wed
    ("2026-11-20", "1.4", "2026-11-27"),
    ("2026-11-02", "3.1", "2026-11-06"),  # 04.11 is a holiday
    ("2026-11-02", "1.4", "2026-11-10"),
    ("2026-12-28", "3.1", "2027-01-11"),  # 31.12 and the New Year holidays
    ("2025-10-29", "3.1", "2025-11-01"),  # Saturday 01.11.2025 is a working day
    ("2024-04-26", "3.1", "2024-05-03"),  # 27.04 works, 29.04-01.05 off
    ("2026-05-08", "3.2", "2026-05-14"),  # 09-11.05 off (11.05 moved)
    ("2026-12-25", "3.4", "2027-01-12"),  # 28-30.12, then 11-12.01
]


@pytest.mark.parametrize(("event", "clause", "due"), CLAUSE_GOLDEN)
def test_working_day_terms_count_from_the_next_day(
    calendar: WorkingCalendar, event: str, clause: str, due: str
) -> None:
    from domain.clauses import CLAUSES

    n = CLAUSES[clause].working_days
    assert n is not None

    deadline = working_days_after(calendar, event=date.fromisoformat(event), n=n, event_words="x")

    assert deadline.due.isoformat() == due


def test_the_explanation_lists_counted_and_skipped_days(calendar: WorkingCalendar) -> None:
    deadline = working_days_after(
        calendar, event=date(2026, 11, 2), n=3, event_words="создания аккаунта"
    )

    assert deadline.explanation.startswith("3 рабочих дня со дня создания аккаунта 02.11.2026")
    assert "ГК РФ ст. 191" in deadline.explanation
    assert "03.11 (вт), 05.11 (чт), 06.11 (пт)" in deadline.explanation
    assert "Не считаются нерабочие дни: 04.11 (ср)" in deadline.explanation
    assert not deadline.provisional


def test_a_term_that_reaches_an_uncovered_year_is_provisional(calendar: WorkingCalendar) -> None:
    deadline = working_days_after(calendar, event=date(2026, 12, 28), n=5, event_words="x")

    assert deadline.provisional
    assert "2027" in deadline.explanation and "предварительный" in deadline.explanation


def test_creation_opens_notice_and_link_with_dates_and_the_rest_waiting(
    calendar: WorkingCalendar,
) -> None:
    plans = opening_steps(calendar, kind=CycleKind.CREATION, occurred_on=date(2026, 11, 20))

    assert [(p.clause.number, p.deadline.due if p.deadline else None) for p in plans] == [
        ("3.1", date(2026, 11, 25)),
        ("1.4", date(2026, 11, 27)),
        ("3.4", None),
        ("3.5", None),
    ]


def test_a_change_of_address_opens_a_new_link_step_but_a_change_of_people_does_not(
    calendar: WorkingCalendar,
) -> None:
    people = opening_steps(calendar, kind=CycleKind.CHANGE, occurred_on=date(2026, 11, 20))
    address = opening_steps(
        calendar, kind=CycleKind.CHANGE, occurred_on=date(2026, 11, 20), address_changed=True
    )

    assert [p.clause.number for p in people] == ["3.2", "3.4", "3.5"]
    assert [p.clause.number for p in address] == ["3.2", "1.4", "3.4", "3.5"]


def test_registry_and_publication_terms_follow_their_events(calendar: WorkingCalendar) -> None:
    entry = registry_deadline(calendar, received_on=date(2026, 11, 24))
    publication = publication_deadline(calendar, entered_on=date(2026, 12, 30))

    assert entry.due == date(2026, 12, 1)
    assert publication.due == date(2027, 1, 25)
    assert "IV квартале 2026 г." in publication.explanation


# --- invariants -------------------------------------------------------------------

days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 20))
terms = st.integers(min_value=1, max_value=40)


@given(start=days, n=terms)
def test_a_due_date_is_always_a_working_day_after_the_start(
    calendar: WorkingCalendar, start: date, n: int
) -> None:
    due = calendar.add_working_days(start, n)

    assert due > start
    assert calendar.is_working(due)
    assert calendar.working_days_between(start, due) == n


@given(start=days, n=terms)
def test_a_longer_term_never_ends_earlier(calendar: WorkingCalendar, start: date, n: int) -> None:
    assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@given(start=days, later=st.integers(min_value=1, max_value=30), n=terms)
def test_a_later_start_never_ends_earlier(
    calendar: WorkingCalendar, start: date, later: int, n: int
) -> None:
    assert calendar.add_working_days(start + timedelta(later), n) >= calendar.add_working_days(
        start, n
    )


@settings(max_examples=200)
@given(start=days, n=terms)
def test_the_table_agrees_with_holidays_own_nth_working_day(
    calendar: WorkingCalendar, start: date, n: int
) -> None:
    import holidays

    expected = holidays.RU(years=range(2023, 2028)).get_nth_working_day(start, n)

    assert calendar.add_working_days(start, n) == expected


@given(quarter=st.builds(Quarter, st.integers(2023, 2026), st.integers(1, 4)))
def test_article_193_deadlines_are_working_days_on_or_after_the_25th(
    calendar: WorkingCalendar, quarter: Quarter
) -> None:
    deadline = quarter_publication_deadline(calendar, quarter)

    assert calendar.is_working(deadline.due)
    assert deadline.due.day >= 25 or deadline.due.month != quarter.next().first_day.month
    assert deadline.due > quarter.last_day


def test_a_calendar_without_a_loader_refuses_years_it_lacks() -> None:
    only = WorkingCalendar([YearCalendar(2026, frozenset())])

    with pytest.raises(CalendarError, match="2027"):
        only.add_working_days(date(2026, 12, 30), 5)


def test_a_decree_table_rejects_a_weekend_day_as_a_day_off() -> None:
    with pytest.raises(CalendarError, match="2026-01-03"):
        YearCalendar(2026, frozenset({date(2026, 1, 3)}))
