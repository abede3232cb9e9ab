"""The calendar against two independent sources: production-calendar.md and xmlcalendar."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.calendar import WorkingCalendar

GOLDEN = Path(__file__).parents[1] / "golden" / "xmlcalendar"

# From ../shared/regulation/production-calendar.md, typed again on purpose: the
# bundled decree table must agree with it, not be checked against itself.
WORKING_DAYS = {2023: 247, 2024: 248, 2025: 247, 2026: 247}
NON_WORKING_WEEKDAYS = {
    2023: "01-02 01-03 01-04 01-05 01-06 02-23 02-24 03-08 05-01 05-08 05-09 06-12 11-06",
    2024: "01-01 01-02 01-03 01-04 01-05 01-08 02-23 03-08 04-29 04-30 05-01 05-09 05-10 "
    "06-12 11-04 12-30 12-31",
    2025: "01-01 01-02 01-03 01-06 01-07 01-08 05-01 05-02 05-08 05-09 06-12 06-13 11-03 "
    "11-04 12-31",
    2026: "01-01 01-02 01-05 01-06 01-07 01-08 01-09 02-23 03-09 05-01 05-11 06-12 11-04 12-31",
}
WORKING_WEEKENDS = {2023: "", 2024: "04-27 11-02 12-28", 2025: "11-01", 2026: ""}


def _dates(year: int, text: str) -> set[date]:
    return {date.fromisoformat(f"{year}-{md}") for md in text.split()}


def _xml_expectation(year: int) -> dict[date, bool]:
    """Read xmlcalendar: a working flag for every day of the year."""
    marks = {}
    for day in ET.parse(GOLDEN / f"{year}.xml").getroot().iter("day"):
        month, dom = (int(p) for p in day.attrib["d"].split("."))
        marks[date(year, month, dom)] = day.attrib["t"]
    out = {}
    d = date(year, 1, 1)
    while d.year == year:
        t = marks.get(d)
        out[d] = t in ("2", "3") if t else d.weekday() < 5
        d += timedelta(days=1)
    return out


@pytest.mark.parametrize("year", sorted(WORKING_DAYS))
def test_every_day_of_the_year_matches_xmlcalendar(calendar: WorkingCalendar, year: int) -> None:
    expected = _xml_expectation(year)

    wrong = {d.isoformat(): w for d, w in expected.items() if calendar.is_working(d) != w}

    assert wrong == {}


@pytest.mark.parametrize("year", sorted(WORKING_DAYS))
def test_the_year_matches_the_production_calendar_table(
    calendar: WorkingCalendar, year: int
) -> None:
    table = calendar.year(year)

    assert table.covered
    assert table.working_day_count() == WORKING_DAYS[year]
    assert set(table.days_off) == _dates(year, NON_WORKING_WEEKDAYS[year])
    assert set(table.working_weekends) == _dates(year, WORKING_WEEKENDS[year])


def _disagreements(calendar: WorkingCalendar, year: int) -> list[str]:
    import holidays

    ru = holidays.RU(years=year)
    d = date(year, 1, 1)
    out = []
    while d.year == year:
        if ru.is_working_day(d) != calendar.is_working(d):
            out.append(d.isoformat())
        d += timedelta(days=1)
    return out


@pytest.mark.parametrize("year", sorted(WORKING_DAYS))
def test_the_holidays_package_agrees_with_the_decree_table(
    calendar: WorkingCalendar, year: int
) -> None:
    # Two sources written apart: the project's table of decrees and `holidays`.
    assert _disagreements(calendar, year) == []


def test_2027_is_not_covered_until_its_decree_is_loaded(calendar: WorkingCalendar) -> None:
    """Not a golden test: 2027 has no decree in the table, so srok takes it from `holidays`.

    What this checks is that wiring: the year is marked not covered, and it
    follows `holidays` day for day, its transfers included (not statutory holidays
    only, which is what `holidays` itself gives a year it has no decree data for).
    Comparing 2027 with `holidays` cannot tell whether 2027 is right; only its
    decree can, and `srok calendar draft 2027` is the way to add it.
    """
    year = calendar.year(2027)

    assert not year.covered
    assert "holidays" in year.source
    assert _disagreements(calendar, 2027) == []
    assert year.working_day_count() == 247
    assert calendar.is_working(date(2027, 2, 20))  # the Saturday holidays carries as working


def test_workalendar_dates_the_readme_names_are_right_here(calendar: WorkingCalendar) -> None:
    # production-calendar.md: workalendar 17 gets these wrong; srok must not.
    assert calendar.is_working(date(2024, 4, 27))
    assert not calendar.is_working(date(2024, 4, 29))
    assert not calendar.is_working(date(2024, 12, 31))
    assert not calendar.is_working(date(2026, 1, 9))
