"""Working time between two instants, counted in the city's working hours (рабочее время).

п. 2.5 asks the organs to moderate comments; how fast they do it is measured in
working time, not on the wall clock: a comment left on Friday night and removed
on Monday at 09:30 waited half an hour of working time.

The working day is srok's assumption (the procedure sets none; see the README):
09:00–18:00 in Asia/Barnaul with a lunch break 13:00–14:00, eight hours, on the
working days of the production calendar. A pre-holiday day is an hour shorter
(Labour Code art. 95): a working day right before a non-working public holiday
of art. 112, and the days a decree or the Ministry of Labour names besides
(``also_shortened``: the working Saturdays 02.11.2024 and 01.11.2025 before
4 November). The day ends an hour early; the lunch break stays.

Instants are aware datetimes; the city's zone is passed in (the domain reads no
time-zone database itself).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from domain.calendar import WorkingCalendar

# Non-working public holidays (Labour Code art. 112), as (month, day).
STATUTORY_HOLIDAYS: tuple[tuple[int, int], ...] = (
    *((1, d) for d in range(1, 9)),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
)

# Pre-holiday working days that the rule of art. 95 alone does not find: the working
# Saturdays before 4 November that the transfer decrees made shortened days. They agree
# with the public xmlcalendar data set (tests/domain/test_working_hours.py).
DECREED_SHORT_DAYS: frozenset[date] = frozenset({date(2024, 11, 2), date(2025, 11, 1)})

HOUR = 3600


@dataclass(frozen=True)
class WorkSchedule:
    """The hours of a working day, and how much shorter a pre-holiday day is."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    breaks: tuple[tuple[time, time], ...] = ((time(13, 0), time(14, 0)),)
    shortened_by: timedelta = timedelta(hours=1)  # Labour Code art. 95
    also_shortened: frozenset[date] = field(default=DECREED_SHORT_DAYS)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("the working day must start before it ends")
        for b_start, b_end in self.breaks:
            if not self.start <= b_start < b_end <= self.end:
                raise ValueError("a break must lie inside the working day")

    def spans(self, shortened: bool) -> list[tuple[int, int]]:
        """Return the working spans of a day as seconds since midnight, in order."""
        end = _seconds(self.end) - (int(self.shortened_by.total_seconds()) if shortened else 0)
        spans = []
        cursor = _seconds(self.start)
        for b_start, b_end in sorted(self.breaks):
            if _seconds(b_start) >= end:
                break
            spans.append((cursor, _seconds(b_start)))
            cursor = _seconds(b_end)
        if cursor < end:
            spans.append((cursor, end))
        return [(a, b) for a, b in spans if b > a]

    def day_seconds(self, shortened: bool = False) -> int:
        """Return the length of a working day in seconds (8 hours; 7 before a holiday)."""
        return sum(b - a for a, b in self.spans(shortened))


DEFAULT_SCHEDULE = WorkSchedule()


def _seconds(t: time) -> int:
    return t.hour * HOUR + t.minute * 60 + t.second


def is_shortened(
    calendar: WorkingCalendar, day: date, schedule: WorkSchedule = DEFAULT_SCHEDULE
) -> bool:
    """Tell whether ``day`` is a shortened pre-holiday working day (ТК РФ ст. 95)."""
    if not calendar.is_working(day):
        return False
    following = day + timedelta(days=1)
    return (following.month, following.day) in STATUTORY_HOLIDAYS or day in schedule.also_shortened


def _shortened_within(
    calendar: WorkingCalendar, first: date, last: date, schedule: WorkSchedule
) -> int:
    """Count the shortened working days in [first, last]: a few a year, found by the holidays."""
    if last < first:
        return 0
    candidates: set[date] = {d for d in schedule.also_shortened if first <= d <= last}
    for year in range(first.year, last.year + 1):
        for month, day in STATUTORY_HOLIDAYS:
            before = date(year, month, day) - timedelta(days=1)
            if first <= before <= last:
                candidates.add(before)
    return sum(1 for d in candidates if is_shortened(calendar, d, schedule))


def _worked_in_day(
    calendar: WorkingCalendar, day: date, lo: int, hi: int, schedule: WorkSchedule
) -> int:
    """Seconds of working time on ``day`` between ``lo`` and ``hi`` seconds after midnight."""
    if hi <= lo or not calendar.is_working(day):
        return 0
    return sum(
        max(0, min(b, hi) - max(a, lo))
        for a, b in schedule.spans(is_shortened(calendar, day, schedule))
    )


def working_seconds_between(
    calendar: WorkingCalendar,
    start: datetime,
    end: datetime,
    *,
    zone: tzinfo,
    schedule: WorkSchedule = DEFAULT_SCHEDULE,
) -> int:
    """Count the seconds of working time from ``start`` to ``end`` (0 if ``end`` is not later).

    Both are aware instants; they are read in ``zone`` (the city's). The days in
    between count whole, from the calendar's precomputed table, so a long wait costs
    no more than a short one.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    if end <= start:
        return 0
    a, b = start.astimezone(zone), end.astimezone(zone)
    a_day, b_day = a.date(), b.date()
    a_sec = a.hour * HOUR + a.minute * 60 + a.second
    b_sec = b.hour * HOUR + b.minute * 60 + b.second
    if a_day == b_day:
        return _worked_in_day(calendar, a_day, a_sec, b_sec, schedule)
    first = _worked_in_day(calendar, a_day, a_sec, 24 * HOUR, schedule)
    last = _worked_in_day(calendar, b_day, 0, b_sec, schedule)
    middle_first, middle_last = a_day + timedelta(days=1), b_day - timedelta(days=1)
    whole_days = calendar.working_days_between(a_day, middle_last) if middle_last > a_day else 0
    short_days = _shortened_within(calendar, middle_first, middle_last, schedule)
    full = schedule.day_seconds(False)
    cut = full - schedule.day_seconds(True)
    return first + last + whole_days * full - short_days * cut


def start_of_working_day(
    day: date, *, zone: tzinfo, schedule: WorkSchedule = DEFAULT_SCHEDULE
) -> datetime:
    """Return the instant ``day``'s working hours begin, in ``zone``."""
    return datetime.combine(day, schedule.start, tzinfo=zone)


def median(values: Iterable[float]) -> float | None:
    """Return the median (the mean of the two middle values for an even count); None if empty."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    return float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[float], share: float) -> float | None:
    """Return the nearest-rank percentile: the least value that ``share`` of the values do not exceed.

    For p90 of ten waits it is the ninth shortest: «90 % решены не дольше чем за …»
    is then literally true of the data. None if there are no values.
    """
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    if not ordered:
        return None
    # 0.9 * 70 is 63.00000000000001 in floats: rounded first, so the ceiling is 63.
    rank = max(1, math.ceil(round(len(ordered) * share, 9)))
    return float(ordered[min(rank, len(ordered)) - 1])


def hours_words(seconds: float) -> str:
    """Say a span of working time in Russian: ``12 ч 05 мин``, ``45 мин``."""
    total = round(seconds / 60)
    hours, minutes = divmod(total, 60)
    if not hours:
        return f"{minutes} мин"
    return f"{hours} ч {minutes:02d} мин"
