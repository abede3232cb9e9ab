"""The compliance report's table of time to moderation (п. 2.5) per organ."""

from __future__ import annotations

from html import escape
from typing import Any


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + "\u00a0ч"


def moderation_table(rows: list[dict[str, Any]]) -> str:
    """Return the table: decided in the quarter, median and p90 in working hours, waiting now."""
    heads = [
        "Орган",
        "Решений за квартал",
        "Медиана, рабочих часов",
        "90-й процентиль, рабочих часов",
        "Ждут решения сейчас",
        "Из них дольше рабочего дня",
    ]
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    body = "".join(
        f'<tr><th scope="row">{escape(r["organ"])}</th>'
        f'<td data-label="{heads[1]}">{r["decided"]}</td>'
        f'<td data-label="{heads[2]}">{_hours(r["median_hours"])}</td>'
        f'<td data-label="{heads[3]}">{_hours(r["p90_hours"])}</td>'
        f'<td data-label="{heads[4]}">{r["waiting"]}</td>'
        f'<td data-label="{heads[5]}">{r["waiting_over_day"]}</td></tr>'
        for r in rows
    )
    body = body or '<tr><td colspan="6">Комментарии пользователей ещё не читались</td></tr>'
    return (
        # «cards»: on a phone the web app's stylesheet stacks each organ's figures.
        '<table class="cards"><caption>Время от появления комментария до решения модератора '
        "(удалён, оставлен, "
        "пользователь ограничен) в рабочих часах (09:00–18:00 по времени Барнаула, без обеда "
        "и выходных); 90-й процентиль — 90 % решений приняты не дольше. Ждут — отмеченные "
        "комментарии без решения на начало рабочего дня</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
