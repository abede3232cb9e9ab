"""Checks every recorded date passes, each naming the field and the clause."""

from __future__ import annotations

from datetime import date

from domain.dates import ru
from domain.errors import RuleViolation
from domain.quarter import Quarter

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


def publishable(quarter: Quarter, on: date) -> None:
    """Refuse a publication of a quarter the procedure never covered, or one not yet over (п. 3.5).

    The first quarter that can hold entries is 2023Q1: the procedure was adopted
    on 27.03.2023, and an account created that day could be notified and entered
    before 31.03. A quarter is published after it ends («по итогам квартала»):
    published earlier, it would miss the quarter's last entries, and, being
    recorded, it would block the proper publication after the quarter.
    """
    first = Quarter.of(PROCEDURE_ADOPTED)
    if quarter < first:
        raise RuleViolation(
            "--quarter",
            f"{quarter} — раньше {first}: Порядок принят {ru(PROCEDURE_ADOPTED)}, "
            "в более ранних кварталах сведений в Реестре нет",
            "3.5",
        )
    if on <= quarter.last_day:
        raise RuleViolation(
            "--on",
            f"{ru(on)}: {quarter.russian()} ещё не закончился ({ru(quarter.last_day)}); "
            "квартал публикуется после его окончания",
            "3.5",
        )
