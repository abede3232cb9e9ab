"""The deputy head's figures, computed once per state of the records.

A compliance report depends on the steps, the reminders' outcomes, the day it
is judged on and the calendar. Every change to the first two appends to the
audit chain, so (quarter, day, calendar version, last audit entry) names one
report exactly; a page that asks again gets the one already computed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from models.tables import AuditEntry
from services.compliance import Report, compliance_report

_KEEP = 16
_cache: OrderedDict[tuple[object, ...], Figures] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class Figures:
    """One report, its plain-data form (made once), and the key that names it.

    A page that renders the figures may keep what it made under ``key``: the
    same key is the same report.
    """

    key: tuple[object, ...]
    report: Report
    data: dict[str, Any]


def quarter_figures(
    *, session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> Figures:
    """Return the quarter's compliance figures as of a day, from cache when nothing changed."""
    last = session.execute(sa.select(sa.func.max(AuditEntry.id))).scalar()
    key = (str(session.connection().engine.url), str(quarter), as_of, calendar.version, last)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    report = compliance_report(session=session, calendar=calendar, quarter=quarter, as_of=as_of)
    found = Figures(key, report, report.as_dict())
    with _lock:
        _cache[key] = found
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return found


def quarter_report(
    *, session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> Report:
    """Return the quarter's compliance report as of a day (see ``quarter_figures``)."""
    return quarter_figures(session=session, calendar=calendar, quarter=quarter, as_of=as_of).report
