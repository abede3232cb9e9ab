"""Working-day arithmetic: srok's precomputed table against `holidays`' own loop, same run.

Prints the time per call of each and the ratio. The workload is the one srok
does: N working days (1-10, as the clauses count) from random days of 2023-2026.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import holidays

from services.calendar_source import build_calendar

CALLS = 20_000


def _workload(seed: int = 608) -> list[tuple[date, int]]:
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    return [(start + timedelta(rng.randrange(1450)), rng.randint(1, 10)) for _ in range(CALLS)]


def _time(fn, work) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for d, n in work:
            fn(d, n)
        best = min(best, time.perf_counter() - started)
    return best / len(work)


def main() -> None:
    work = _workload()
    calendar = build_calendar(None)
    ru = holidays.RU(years=range(2023, 2028))
    mismatches = sum(
        calendar.add_working_days(d, n) != ru.get_nth_working_day(d, n) for d, n in work
    )
    ours = _time(calendar.add_working_days, work)
    theirs = _time(ru.get_nth_working_day, work)
    print(
        f"calls: {CALLS} (N = 1..10 working days from days of 2023-2026), mismatches: {mismatches}"
    )
    print(f"holidays.RU.get_nth_working_day: {theirs * 1e6:8.2f} µs/call")
    print(f"srok WorkingCalendar:            {ours * 1e6:8.2f} µs/call")
    print(f"ratio: {theirs / ours:.1f}x faster")
    if mismatches:
        raise SystemExit("the two calendars disagree")


if __name__ == "__main__":
    main()
