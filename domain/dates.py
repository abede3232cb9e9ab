"""Dates as Russian readers write them."""

from __future__ import annotations

from datetime import date

from domain.calendar import WEEKDAY_LONG, WEEKDAY_SHORT

CITY_TIMEZONE = "Asia/Barnaul"  # Novoaltaisk, Altai Krai: UTC+7, no daylight saving


def ru(d: date) -> str:
    """Format a date as ``04.12.2026``."""
    return d.strftime("%d.%m.%Y")


def ru_short(d: date) -> str:
    """Format a date as ``04.12 (пт)``."""
    return f"{d.strftime('%d.%m')} ({WEEKDAY_SHORT[d.weekday()]})"


def ru_long(d: date) -> str:
    """Format a date as ``04.12.2026 (пятница)``."""
    return f"{ru(d)} ({WEEKDAY_LONG[d.weekday()]})"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Pick the Russian noun form for ``n``: 1 день, 2 дня, 5 дней."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def working_days(n: int) -> str:
    """Say ``3 рабочих дня`` with the right form."""
    return f"{n} {plural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}"
