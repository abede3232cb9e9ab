"""Russian working days as a precomputed table (производственный календарь).

The table is pure data: for each year, the non-working weekdays (public holidays
of Labour Code art. 112 and the days off a Government decree transfers) and the
weekend days the decree makes working. Everything else follows the weekday.

Lookups are array and bisect operations on day ordinals, so counting a term costs
the same whatever its length. Years the table lacks are asked of an injected
loader (the services wire in the ``holidays`` package) and marked as not covered:
deadlines that touch them are provisional.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAY_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
WEEKDAY_LONG = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


# The years the calendar can count in: a wider span is no real term, and would
# make the precomputed table huge (a year 99999 took minutes to refuse).
FIRST_YEAR = 1900
LAST_YEAR = 2200


class CalendarError(ValueError):
    """A calendar table is inconsistent, or a date lies outside what can be loaded."""


@dataclass(frozen=True)
class YearCalendar:
    """One year of the production calendar and where it came from.

    ``covered`` means a decree on day transfers for this year is loaded; an
    uncovered year is the statutory holidays only (as far as the loader knows)
    and every deadline in it is provisional.
    """

    year: int
    days_off: frozenset[date]
    working_weekends: frozenset[date] = field(default_factory=frozenset)
    covered: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        for d in self.days_off:
            if d.year != self.year:
                raise CalendarError(f"{self.year}: в days_off дата {d.isoformat()} другого года")
            if d.weekday() >= 5:
                raise CalendarError(
                    f"{self.year}: в days_off {d.isoformat()} — суббота или воскресенье, и так выходной"
                )
        for d in self.working_weekends:
            if d.year != self.year:
                raise CalendarError(
                    f"{self.year}: в working_weekends дата {d.isoformat()} другого года"
                )
            if d.weekday() < 5:
                raise CalendarError(
                    f"{self.year}: в working_weekends {d.isoformat()} — не суббота и не воскресенье"
                )

    def is_working(self, d: date) -> bool:
        """Tell whether ``d`` (a day of this year) is a working day."""
        if d.weekday() >= 5:
            return d in self.working_weekends
        return d not in self.days_off

    def working_day_count(self) -> int:
        """Count the working days of the year."""
        start = date(self.year, 1, 1)
        days = (date(self.year + 1, 1, 1) - start).days
        return sum(self.is_working(start + timedelta(i)) for i in range(days))

    def non_working(self) -> list[date]:
        """List every non-working day of the year, weekends included, in order."""
        start = date(self.year, 1, 1)
        days = (date(self.year + 1, 1, 1) - start).days
        return [
            start + timedelta(i) for i in range(days) if not self.is_working(start + timedelta(i))
        ]

    def canonical(self) -> dict[str, object]:
        """Return the year as plain data, the form its version hash is taken of."""
        return {
            "year": self.year,
            "covered": self.covered,
            "days_off": sorted(d.isoformat() for d in self.days_off),
            "working_weekends": sorted(d.isoformat() for d in self.working_weekends),
            "source": self.source,
        }


YearLoader = Callable[[int], YearCalendar]


class WorkingCalendar:
    """Answer working-day questions from a contiguous table of years.

    The table grows on demand through ``loader``; without one, a date outside
    the loaded years raises :class:`CalendarError`.
    """

    def __init__(
        self,
        years: Iterable[YearCalendar],
        *,
        loader: YearLoader | None = None,
        version: str | None = None,
    ) -> None:
        self._years: dict[int, YearCalendar] = {}
        for y in years:
            if not FIRST_YEAR <= y.year <= LAST_YEAR:
                raise CalendarError(
                    f"{y.year} год вне поддерживаемого диапазона {FIRST_YEAR}-{LAST_YEAR}"
                )
            if y.year in self._years:
                raise CalendarError(f"год {y.year} указан дважды")
            self._years[y.year] = y
        if not self._years and loader is None:
            raise CalendarError("календарю нужен хотя бы один год или загрузчик")
        self._loader = loader
        self._version = version
        self._rebuild()

    # -- the index -----------------------------------------------------------------
    def _rebuild(self) -> None:
        if not self._years:
            self._lo = self._hi = 0
            self._cum = array("l")
            self._working = array("l")
            return
        first, last = min(self._years), max(self._years)
        missing = [y for y in range(first, last + 1) if y not in self._years]
        for y in missing:
            self._years[y] = self._load(y)
        self._lo = date(first, 1, 1).toordinal()
        self._hi = date(last + 1, 1, 1).toordinal()
        cum = array("l")
        working = array("l")
        count = 0
        for ordinal in range(self._lo, self._hi):
            d = date.fromordinal(ordinal)
            if self._years[d.year].is_working(d):
                count += 1
                working.append(ordinal)
            cum.append(count)
        self._cum = cum
        self._working = working

    def _load(self, year: int) -> YearCalendar:
        if self._loader is None:
            raise CalendarError(f"в календаре нет данных за {year} год")
        loaded = self._loader(year)
        if loaded.year != year:
            raise CalendarError(f"загрузчик вернул {loaded.year} год вместо {year}")
        return loaded

    def _ensure(self, ordinal: int) -> None:
        if self._lo <= ordinal < self._hi:
            return
        year = date.fromordinal(ordinal).year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CalendarError(
                f"{year} год вне поддерживаемого диапазона {FIRST_YEAR}-{LAST_YEAR}"
            )
        self._years[year] = self._years.get(year) or self._load(year)
        self._rebuild()

    # -- questions ------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Identify the table: a short hash of every loaded year, or the one given."""
        if self._version is not None:
            return self._version
        blob = json.dumps([self._years[y].canonical() for y in sorted(self._years)])
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def year(self, year: int) -> YearCalendar:
        """Return the table of one year, loading it if needed."""
        self._ensure(date(year, 1, 1).toordinal())
        return self._years[year]

    def is_working(self, d: date) -> bool:
        """Tell whether ``d`` is a working day."""
        return self.year(d.year).is_working(d)

    def add_working_days(self, start: date, n: int) -> date:
        """Return the ``n``-th working day after ``start`` (ГК РФ ст. 191: ``start`` not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        ordinal = start.toordinal()
        self._ensure(ordinal)
        index = self._cum[ordinal - self._lo] + n - 1
        while index >= len(self._working):
            self._ensure(self._hi)  # load the next year and retry
            index = self._cum[ordinal - self._lo] + n - 1
        return date.fromordinal(self._working[index])

    def working_days_between(self, after: date, until: date) -> int:
        """Count the working days in the half-open span (``after``, ``until``]."""
        if until <= after:
            return 0
        self._ensure(after.toordinal())
        self._ensure(until.toordinal())
        return self._cum[until.toordinal() - self._lo] - self._cum[after.toordinal() - self._lo]

    def next_working_day(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the first working day after it."""
        ordinal = d.toordinal()
        self._ensure(ordinal)
        position = bisect_right(self._working, ordinal - 1)
        while position >= len(self._working):
            self._ensure(self._hi)
            position = bisect_right(self._working, ordinal - 1)
        return date.fromordinal(self._working[position])

    def days_between(self, after: date, until: date) -> list[date]:
        """List the days of (``after``, ``until``], for explanations."""
        return [after + timedelta(i) for i in range(1, (until - after).days + 1)]
