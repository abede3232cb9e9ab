"""The compliance report's table of the standing rules (п. 2.1, 2.4, 1.6) per organ."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape
from typing import Any


def standing_table(rows: list[dict[str, Any]]) -> str:
    """Return the table; a figure nobody checked says so instead of showing a zero."""
    return "".join(iter_standing_table(rows))


def iter_standing_table(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Yield the table a row at a time, as the organs come."""
    heads = ["Орган", "Недель с 8 публикациями (п. 2.1)", "Описание (п. 2.4)", "Защита (п. 1.6)"]
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    yield (
        "<table><caption>Постоянные требования за квартал: недели — считаются проверенные "
        "недели всех аккаунтов органа; описание — по последней проверке; защита — "
        "ежеквартальное подтверждение (правило srok)</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>"
    )
    empty = True
    for r in rows:
        empty = False
        weeks = (
            f"{r['weeks_with_8']} из {r['weeks_checked']}"
            if r["weeks_checked"]
            else "не проверялось"
        )
        description = (
            "полное"
            if r["description_complete"]
            else f"неполное: {r['descriptions_checked'] - r['descriptions_complete']} из "
            f"{r['descriptions_checked']} аккаунтов"
            if r["descriptions_checked"]
            else "не проверялось"
        )
        protection = (
            "подтверждена"
            if r["protection_all_confirmed"]
            else f"подтверждена для {r['protection_confirmed']} из {r['accounts']} аккаунтов"
        )
        yield (
            f'<tr><th scope="row">{escape(r["organ"])}</th><td>{weeks}</td>'
            f"<td>{description}</td><td>{protection}</td></tr>"
        )
    if empty:
        yield '<tr><td colspan="4">Аккаунтов нет</td></tr>'
    yield "</tbody></table>"


# The compliance CSV's last two columns, filled on the standing rules' rows only (their step
# columns stay empty): what was checked or owed, and how much of it was kept.
STANDING_COLUMNS = ["standing_checked", "standing_kept"]
_STEP_COLUMNS = 8  # due … on_time_rate of the compliance CSV, empty on a standing row


def standing_csv_rows(quarter: str, standing: Iterable[dict[str, Any]]) -> Iterator[list[object]]:
    """Yield the standing section as CSV rows: per organ, п. 2.1, 2.4 and 1.6 like the table.

    п. 2.1: account-weeks checked in the quarter / with at least 8 publications;
    п. 2.4: accounts whose description was checked / complete at the latest check;
    п. 1.6: active accounts / protection confirmed for the quarter.
    """
    blank: list[object] = [""] * _STEP_COLUMNS
    for r in standing:
        for clause, checked, kept in (
            ("2.1", r["weeks_checked"], r["weeks_with_8"]),
            ("2.4", r["descriptions_checked"], r["descriptions_complete"]),
            ("1.6", r["accounts"], r["protection_confirmed"]),
        ):
            yield [quarter, r["organ"], clause, *blank, checked, kept]
