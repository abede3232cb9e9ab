"""Build the working calendar: the project's decree table, the operator's additions, `holidays`.

Precedence, per year: the operator's file ($SROK_HOME/calendar.toml), then the
bundled table (production_calendar.toml); both are complete statements of a
year under its decree and make the year *covered*. A year in neither comes from
the `holidays` package (statutory holidays and whatever transfers that release
knows) and is *not covered*: every deadline that touches it is provisional.

`holidays` is imported only for an uncovered year, so commands whose dates lie
in covered years do not pay for it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from domain.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarError,
    WorkingCalendar,
    YearCalendar,
)
from domain.errors import RuleViolation

BUNDLED = Path(__file__).with_name("production_calendar.toml")


def _parse_dates(where: str, value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise RuleViolation(where, "должен быть списком дат ГГГГ-ММ-ДД")
    out = set()
    for item in value:
        try:
            out.add(date.fromisoformat(str(item)))
        except ValueError:
            raise RuleViolation(where, f"«{item}» — не дата (ожидается ГГГГ-ММ-ДД)") from None
    return frozenset(out)


def parse_table(text: str, *, origin: str) -> dict[int, YearCalendar]:
    """Read a decree table in TOML; raise RuleViolation naming the file and field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleViolation(origin, f"ошибка TOML: {exc}") from None
    years: dict[int, YearCalendar] = {}
    for key, entry in raw.items():
        where = f"{origin}: [{key}]"
        if not (key.isascii() and key.isdigit()):
            raise RuleViolation(where, "имя раздела должно быть годом")
        if not FIRST_YEAR <= int(key) <= LAST_YEAR:
            raise RuleViolation(where, f"год вне диапазона календаря {FIRST_YEAR}-{LAST_YEAR}")
        if not isinstance(entry, dict):
            raise RuleViolation(where, "раздел года: decree, days_off, working_weekends")
        decree = entry.get("decree")
        if not decree or not isinstance(decree, str):
            raise RuleViolation(
                f"{where}.decree", "укажите постановление Правительства РФ о переносе выходных"
            )
        unknown = set(entry) - {"decree", "days_off", "working_weekends"}
        if unknown:
            raise RuleViolation(where, f"неизвестные ключи: {', '.join(sorted(unknown))}")
        try:
            years[int(key)] = YearCalendar(
                year=int(key),
                days_off=_parse_dates(f"{where}.days_off", entry.get("days_off", [])),
                working_weekends=_parse_dates(
                    f"{where}.working_weekends", entry.get("working_weekends", [])
                ),
                covered=True,
                source=decree,
            )
        except CalendarError as exc:
            raise RuleViolation(where, str(exc)) from None
    return years


def holidays_year(year: int) -> YearCalendar:
    """Read one year from the `holidays` package, as an uncovered (provisional) year."""
    import holidays  # imported here: only uncovered years need it

    ru = holidays.RU(years=year)
    return YearCalendar(
        year=year,
        days_off=frozenset(d for d in ru if d.weekday() < 5 and d.year == year),
        working_weekends=frozenset(d for d in ru.weekend_workdays if d.year == year),
        covered=False,
        source=f"пакет holidays {holidays_version()}: постановление о переносах не загружено",
    )


def holidays_version() -> str:
    return metadata.version("holidays")


def bundled_table() -> dict[int, YearCalendar]:
    return parse_table(BUNDLED.read_text(encoding="utf-8"), origin=BUNDLED.name)


def load_table(operator_file: Path | None) -> dict[int, YearCalendar]:
    """Merge the bundled table with the operator's file (the operator's years win)."""
    table = bundled_table()
    if operator_file is not None and operator_file.exists():
        table.update(parse_table(_read(operator_file), origin=str(operator_file)))
    return table


def _read(path: Path) -> str:
    """Read the operator's file as UTF-8 text, or say why it cannot be."""
    if path.is_dir():
        raise RuleViolation(str(path), "папка, а не файл календаря")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleViolation(
            str(path), f"не текст в UTF-8 (байт {exc.start}): сохраните файл в UTF-8"
        ) from None
    except OSError as exc:
        raise RuleViolation(str(path), f"не прочитать: {exc.strerror}") from None


def build_calendar(operator_file: Path | None = None) -> WorkingCalendar:
    """Return the calendar srok counts with; its version hashes the table and `holidays`."""
    table = load_table(operator_file)
    blob = json.dumps(
        {"table": [table[y].canonical() for y in sorted(table)], "holidays": holidays_version()},
        ensure_ascii=False,
    )
    version = hashlib.sha256(blob.encode()).hexdigest()[:12]
    return WorkingCalendar(table.values(), loader=holidays_year, version=version)


def draft_toml(year: int) -> str:
    """Write what `holidays` knows of ``year`` in the operator's form, to check against the decree."""
    y = holidays_year(year)
    days_off = ",\n".join(f'    "{d.isoformat()}"' for d in sorted(y.days_off))
    working = ", ".join(f'"{d.isoformat()}"' for d in sorted(y.working_weekends))
    return (
        f"# Черновик из пакета holidays {holidays_version()}: сверьте с постановлением\n"
        f"# Правительства РФ о переносе выходных дней на {year} год, затем допишите\n"
        "# в $SROK_HOME/calendar.toml.\n"
        f"[{year}]\n"
        'decree = "Постановление Правительства РФ от ДД.ММ.ГГГГ № ..."\n'
        f"days_off = [\n{days_off},\n]\n"
        f"working_weekends = [{working}]\n"
    )
