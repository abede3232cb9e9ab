"""Who held access to an account when (п. 1.6): intervals of days, not only today.

A grant holds from ``granted_on`` up to, not including, ``revoked_on``: a
person revoked on a day and another granted that day never overlap, so a
handover on one day keeps the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

Interval = tuple[date, date | None]  # granted_on, revoked_on (None: still holds)


def holds_on(interval: Interval, day: date) -> bool:
    granted, revoked = interval
    return granted <= day and (revoked is None or day < revoked)


def overlaps(interval: Interval, since: date) -> bool:
    """Whether an interval holds on ``since`` or any day after it."""
    revoked = interval[1]
    return revoked is None or revoked > since


def busiest_day(intervals: Iterable[Interval], since: date) -> tuple[date, int]:
    """The first day from ``since`` on with the most holders at once, and their number.

    The count only rises on a day someone is granted, so those days (and
    ``since``) are the only ones to look at.
    """
    spans = list(intervals)
    days = sorted({since} | {g for g, _ in spans if g >= since})
    best = (since, 0)
    for day in days:
        count = sum(1 for s in spans if holds_on(s, day))
        if count > best[1]:
            best = (day, count)
    return best
