"""Checks every recorded date passes, each naming the field and the clause."""

from __future__ import annotations

from datetime import date

from domain.dates import ru
from domain.errors import RuleViolation

# The day the procedure was adopted (постановление от 27.03.2023 № 608).
PROCEDURE_ADOPTED = date(2023, 3, 27)


def not_in_future(field: str, value: date, *, today: date, clause: str | None) -> None:
    """Refuse a fact dated after today (in the city's calendar)."""
    if value > today:
        raise RuleViolation(field, f"{ru(value)} — позже сегодняшнего дня ({ru(today)})", clause)


def not_before(field: str, value: date, *, earliest: date, what: str, clause: str | None) -> None:
    """Refuse a fact dated before ``earliest``; ``what`` names that earlier event."""
    if value < earliest:
        raise RuleViolation(field, f"{ru(value)} — раньше, чем {what} ({ru(earliest)})", clause)
