"""Calendar quarters (квартал), as п. 3.5 counts them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import FIRST_YEAR, LAST_YEAR

_PATTERN = re.compile(r"^([0-9]{4})[Qq]([1-4])$")
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a year, written ``2026Q4``."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1-4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2026Q4``; raise ValueError naming the expected form otherwise."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"«{text}» — не квартал; ожидается вид 2026Q4")
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"«{text}» — год вне диапазона календаря {FIRST_YEAR}-{LAST_YEAR}")
        return cls(year, int(match.group(2)))

    @classmethod
    def of(cls, d: date) -> Quarter:
        """Return the quarter that contains ``d``."""
        return cls(d.year, (d.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def short_russian(self) -> str:
        """Name the quarter briefly, as a table heading: «IV кв. 2026»."""
        return f"{_ROMAN[self.number - 1]} кв. {self.year}"

    def russian(self) -> str:
        """Name the quarter as a Russian reader expects: «IV квартал 2026 г.»."""
        return f"{_ROMAN[self.number - 1]} квартал {self.year} г."
