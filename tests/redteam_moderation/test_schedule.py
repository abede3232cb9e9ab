"""The moderation sync runs on the working days of the production calendar (п. 2.5, issue 14).

Cron knows weekdays, not the calendar: the flow skips a holiday itself, but a working
Saturday (27.04.2024, 02.11.2024, 28.12.2024, 01.11.2025; 20.02.2027 if the transfers
hold) gets no run at all, so the comments written that day wait for Monday's sync
while the organs work.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from domain.calendar import WorkingCalendar

DEPLOYMENTS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[2] / "prefect.yaml").read_text(encoding="utf-8")
)["deployments"]


def _weekdays(field: str) -> set[int]:
    """The ISO weekdays (1 Monday … 7 Sunday) a cron day-of-week field names."""
    days: set[int] = set()
    for part in field.split(","):
        if part == "*":
            return set(range(1, 8))
        first, _, last = part.partition("-")
        days |= set(range(int(first), int(last or first) + 1))
    return {7 if d == 0 else d for d in days}


def test_every_working_day_of_the_calendar_has_a_moderation_sync(
    calendar: WorkingCalendar,
) -> None:
    (moderation,) = [
        d for d in DEPLOYMENTS if d["entrypoint"].startswith("flows/moderation_sync.py")
    ]
    scheduled = set().union(*(_weekdays(s["cron"].split()[4]) for s in moderation["schedules"]))

    day, missed = date(2024, 1, 1), []
    while day <= date(2026, 12, 31):
        if calendar.is_working(day) and day.isoweekday() not in scheduled:
            missed.append(day)
        day += timedelta(days=1)

    assert missed == []
