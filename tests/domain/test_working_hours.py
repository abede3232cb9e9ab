"""Working time between two instants (п. 2.5's time to moderation), and the median and p90."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.working_hours import (
    WorkSchedule,
    hours_words,
    is_shortened,
    median,
    percentile,
    working_seconds_between,
)

GOLDEN = Path(__file__).parents[1] / "golden" / "xmlcalendar"
CITY = timezone(timedelta(hours=7))  # Asia/Barnaul has had no DST since 2016
H = 3600


def at(text: str) -> datetime:
    """An instant given in the city's local time, ``2026-12-01 10:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=CITY)


def hours(calendar: WorkingCalendar, start: str, end: str) -> float:
    return working_seconds_between(calendar, at(start), at(end), zone=CITY) / H


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        ("2026-12-01 10:00", "2026-12-01 12:30", 2.5, "within one morning"),
        ("2026-12-01 12:00", "2026-12-01 15:00", 2.0, "the lunch hour does not count"),
        ("2026-12-01 13:10", "2026-12-01 13:50", 0.0, "both inside the lunch hour"),
        ("2026-11-30 23:00", "2026-12-01 09:30", 0.5, "a comment at night, decided next morning"),
        ("2026-12-01 17:00", "2026-12-02 09:15", 1.25, "an evening comment, decided next morning"),
        ("2026-12-01 19:00", "2026-12-01 23:00", 0.0, "all after hours"),
        ("2026-12-04 17:00", "2026-12-07 10:00", 2.0, "over a weekend: Friday 1 h, Monday 1 h"),
        ("2026-12-05 10:00", "2026-12-06 16:00", 0.0, "all on a weekend"),
        ("2026-12-01 09:00", "2026-12-08 09:00", 40.0, "a whole week is five days of 8 h"),
        # 03.11.2026 comes before the holiday of 4 November: it ends at 17:00 (ТК РФ ст. 95)
        ("2026-11-03 16:00", "2026-11-05 10:00", 2.0, "the shortened day ends at 17:00"),
        ("2026-11-02 09:00", "2026-11-05 09:00", 15.0, "8 h, a 7 h pre-holiday day, a holiday"),
        ("2026-11-03 17:30", "2026-11-03 18:00", 0.0, "after a shortened day's end"),
        # 09.01.2026 is a Friday made a day off by decree № 1466
        ("2026-01-08 12:00", "2026-01-12 10:00", 1.0, "the transferred day off 09.01.2026"),
        # 27.04.2024 is a Saturday made working (decree № 1314), a full day
        ("2024-04-26 18:00", "2024-05-02 09:00", 8.0, "a working Saturday, then three days off"),
        # 01.11.2025 is a working Saturday before 3-4 November, shortened by the decree
        ("2025-10-31 18:00", "2025-11-05 09:00", 7.0, "a shortened working Saturday"),
        ("2026-12-29 10:00", "2027-01-11 10:00", 16.0, "7 h, 8 h, then the New Year off"),
    ],
)
def test_working_time_between_two_instants(
    calendar: WorkingCalendar, start: str, end: str, expected: float, why: str
) -> None:
    got = hours(calendar, start, end)

    assert got == expected, why


def test_instants_in_utc_are_read_in_the_city_zone(calendar: WorkingCalendar) -> None:
    start = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novoaltaisk
    end = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 12:00

    got = working_seconds_between(calendar, start, end, zone=CITY)

    assert got == 2 * H


def test_an_end_before_the_start_is_no_time(calendar: WorkingCalendar) -> None:
    got = hours(calendar, "2026-12-02 10:00", "2026-12-01 10:00")

    assert got == 0


def test_naive_instants_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        working_seconds_between(
            calendar, datetime(2026, 12, 1, 10), datetime(2026, 12, 1, 11), zone=CITY
        )


def test_another_schedule_can_be_given(calendar: WorkingCalendar) -> None:
    schedule = WorkSchedule(start=at("2026-01-01 08:00").time(), end=at("2026-01-01 17:00").time())

    got = working_seconds_between(
        calendar, at("2026-12-01 08:00"), at("2026-12-01 17:00"), zone=CITY, schedule=schedule
    )

    assert got == 8 * H


def _xml_shortened(year: int) -> set[date]:
    days = set()
    for day in ET.parse(GOLDEN / f"{year}.xml").getroot().iter("day"):
        if day.attrib["t"] == "2":
            month, dom = (int(p) for p in day.attrib["d"].split("."))
            days.add(date(year, month, dom))
    return days


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_the_shortened_days_match_xmlcalendar(calendar: WorkingCalendar, year: int) -> None:
    days = [date(year, 1, 1) + timedelta(i) for i in range(365 + (year % 4 == 0))]

    ours = {d for d in days if is_shortened(calendar, d)}

    assert ours == _xml_shortened(year)


instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(CITY)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(instants, min_size=3, max_size=3))
def test_working_time_adds_up_over_any_split(
    calendar: WorkingCalendar, points: list[datetime]
) -> None:
    a, b, c = sorted(points)

    whole = working_seconds_between(calendar, a, c, zone=CITY)
    parts = working_seconds_between(calendar, a, b, zone=CITY) + working_seconds_between(
        calendar, b, c, zone=CITY
    )

    assert whole == parts
    assert 0 <= whole <= (c - a).total_seconds()


def _by_hour(calendar: WorkingCalendar, a: datetime, b: datetime) -> int:
    """A slow reference: walk the span an hour mark at a time (both ends on the hour)."""
    total = 0
    t = a
    while t < b:
        local = t.astimezone(CITY)
        day = local.date()
        end = 17 if is_shortened(calendar, day) else 18
        if calendar.is_working(day) and 9 <= local.hour < end and local.hour != 13:
            total += H
        t += timedelta(hours=1)
    return total


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=datetime(2025, 10, 20), max_value=datetime(2026, 1, 20)).map(
            lambda d: d.replace(minute=0, second=0, microsecond=0, tzinfo=CITY)
        ),
        min_size=2,
        max_size=2,
    )
)
def test_working_time_agrees_with_an_hour_by_hour_walk(
    calendar: WorkingCalendar, points: list[datetime]
) -> None:
    a, b = sorted(points)

    assert working_seconds_between(calendar, a, b, zone=CITY) == _by_hour(calendar, a, b)


def test_median_of_an_odd_and_an_even_count() -> None:
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        (list(range(1, 11)), 0.9, 9),  # «90 % не дольше» than the ninth of ten
        (list(range(1, 71)), 0.9, 63),  # 0.9 * 70 drifts above 63 in floats
        (list(range(1, 12)), 0.9, 10),  # ceil(9.9) = 10
        ([7], 0.9, 7),
        ([3, 1, 2], 0.5, 2),
        ([], 0.9, None),
    ],
)
def test_nearest_rank_percentile(values: list[int], share: float, expected: float | None) -> None:
    assert percentile(values, share) == expected


def test_a_percentile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([1, 2], 0)


@pytest.mark.parametrize(
    ("seconds", "words"), [(45 * 60, "45 мин"), (12 * H + 5 * 60, "12 ч 05 мин"), (0, "0 мин")]
)
def test_working_time_in_words(seconds: int, words: str) -> None:
    assert hours_words(seconds) == words
