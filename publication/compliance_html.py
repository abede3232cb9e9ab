"""The compliance report as a page for the deputy head: Russian, printable, a chart not a wall of numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from html import escape
from typing import Any

from domain.clauses import CLAUSES
from domain.dates import plural, ru
from domain.quarter import Quarter
from publication.csv_cells import csv_bytes
from publication.moderation_html import moderation_table
from publication.standing_html import STANDING_COLUMNS, iter_standing_table, standing_csv_rows


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def _quarter(text: str) -> str:
    return Quarter.parse(text).short_russian()


def _working_days(n: int) -> str:
    return f"{n}\u00a0{plural(n, 'раб. день', 'раб. дня', 'раб. дней')}"


def _cell(label: str, content: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<td data-label="{escape(label)}"{klass}>{content}</td>'


def headline(report: dict[str, Any]) -> str:
    """The figure a reader takes away in ten seconds, and what it is made of."""
    t = report["overall"]
    if not t["judged"]:
        figure = "<p class=figure>Сроков, наступивших в квартале, пока не было.</p>"
    else:
        figure = (
            f'<p class="figure"><strong>{_percent(t["on_time_rate"])}</strong> '
            f"сроков выполнено вовремя ({t['on_time']} из {t['judged']})</p>"
        )
    parts = [
        f"в срок — {t['on_time']}",
        f"с опозданием — {t['late']}"
        + (f" (всего {_working_days(t['late_days'])})" if t["late"] else ""),
        f"просрочено — {t['overdue']}",
    ]
    pending = f" Ещё не наступило: {t['pending']}." if t["pending"] else ""
    now = report["late_now_total"]
    owners = len({c["owner"] for c in report["late_now"]})
    late = (
        f"Сейчас не выполнено в срок: <strong>{now}</strong> "
        f"{plural(now, 'обязанность', 'обязанности', 'обязанностей')}"
        f" (ответственных: {owners})."
        if now
        else "Сейчас просроченных обязанностей нет."
    )
    return (
        f'<section class="headline" aria-label="Итог квартала">{figure}'
        f"<p>Наступило сроков: {t['judged']}: {'; '.join(parts)}.{pending}</p>"
        f"<p>{late}</p></section>"
    )


def _case_rows(cases: list[dict[str, Any]], *, now: bool) -> str:
    rows = []
    for c in cases:
        done = (
            "не выполнено"
            if c["state"] == "overdue"
            else f"выполнено {ru(date.fromisoformat(c['done']))}"
            if c.get("done")
            else "выполнено"
        )
        account = f"№\u00a0{c['account_id']}, {escape(c['network'])}"
        if c["owner"] != c["organ"]:
            account += f" ({escape(c['organ'])})"
        cells = [
            _cell("Кто отвечает", escape(c["owner"])),
            _cell("Аккаунт", account),
            _cell("Обязанность", f"п.\u00a0{escape(c['clause'])}: {escape(c['duty'])}"),
            _cell("Срок", ru(date.fromisoformat(c["due"])), "num"),
            _cell("Просрочка", _working_days(c["late_working_days"]), "num"),
        ]
        if not now:
            cells.append(_cell("Состояние", done))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def late_now_table(report: dict[str, Any]) -> str:
    """Who has not met a duty in time, as of the report's day: the longest first."""
    as_of = ru(date.fromisoformat(report["as_of"]))
    more = report["late_now_total"] - len(report["late_now"])
    tail = f"<p>…и ещё {more} (полный список: srok status --open).</p>" if more > 0 else ""
    table = _case_table(
        f"Не выполнено на {as_of}, сначала самые долгие",
        report["late_now"],
        now=True,
        empty="Просроченных обязанностей нет",
    )
    return table + tail


def _case_table(caption: str, cases: list[dict[str, Any]], *, now: bool, empty: str) -> str:
    heads = ["Орган", "Аккаунт", "Обязанность", "Срок", "Просрочка"] + (
        [] if now else ["Состояние"]
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    body = _case_rows(cases, now=now) or f'<tr><td colspan="{len(heads)}">{empty}</td></tr>'
    return (
        f'<table class="cards"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def organ_table(report: dict[str, Any]) -> str:
    """Per organ and clause; every row adds up: наступило = в срок + с опозданием + просрочено."""
    organs = ((o, cl, report["totals"][o]) for o, cl in report["organs"].items())
    return "".join(iter_organ_table(organs))


OrganTallies = tuple[str, dict[str, dict[str, Any]], dict[str, Any]]  # organ, clauses, total


def iter_organ_table(organs: Iterable[OrganTallies]) -> Iterator[str]:
    """Yield the organ table a group of rows at a time, as the organs come."""
    heads = [
        "Обязанность",
        "Наступило",
        "В срок",
        "С опозданием",
        "Просрочено",
        "Впереди",
        "Вовремя",
    ]
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    yield (
        '<table class="cards"><caption>Сроки квартала по органам и пунктам Порядка '
        "(п. 3.4 и 3.5 — обязанности отдела информатизации)</caption>"
        f"<thead><tr>{head}</tr></thead>"
    )
    empty = True
    for organ, clauses, total in organs:
        empty = False
        rows = [
            f'<tr class="organ"><th scope="rowgroup" colspan="{len(heads)}">{escape(organ)}</th></tr>'
        ]
        items = [(f"п.\u00a0{c}: {escape(CLAUSES[c].duty)}", t) for c, t in sorted(clauses.items())]
        items.append(("Итого по органу", total))
        for label, t in items:
            late = str(t["late"]) + (f" ({_working_days(t['late_days'])})" if t["late"] else "")
            klass = ' class="total"' if label == "Итого по органу" else ""
            rows.append(
                f"<tr{klass}>"
                + _cell("Обязанность", label)
                + _cell("Наступило", str(t["judged"]), "num")
                + _cell("В срок", str(t["on_time"]), "num")
                + _cell("С опозданием", late, "num")
                + _cell("Просрочено", str(t["overdue"]), "num")
                + _cell("Ещё впереди", str(t["pending"]), "num")
                + _cell("Вовремя", _percent(t["on_time_rate"]), "num")
                + "</tr>"
            )
        yield "<tbody>" + "".join(rows) + "</tbody>"
    if empty:
        yield f'<tbody><tr><td colspan="{len(heads)}">Сроков в квартале не было</td></tr></tbody>'
    yield "</table>"


def chart(trend: dict[str, dict[str, float | None]]) -> str:
    """The four-quarter trend as a table of bars: legible on a phone, read by screen readers."""
    quarters = sorted({q for t in trend.values() for q in t})
    return "".join(iter_chart(quarters, trend.items()))


def iter_chart(
    quarters: list[str], trend: Iterable[tuple[str, dict[str, float | None]]]
) -> Iterator[str]:
    """Yield the trend's table a row at a time; ``quarters``: every quarter any organ has."""
    head = "".join(f'<th scope="col">{_quarter(q)}</th>' for q in quarters)
    yield (
        '<table class="trend cards"><caption>Доля сроков, выполненных вовремя, '
        "по органам за четыре квартала</caption>"
        f'<thead><tr><th scope="col">Орган</th>{head}</tr></thead><tbody>'
    )
    empty = True
    for organ, rates in trend:
        empty = False
        if all(rates.get(q) is None for q in quarters):
            cells = (
                f'<td colspan="{len(quarters)}" class="muted">'
                "за четыре квартала сроков не наступало</td>"
            )
        else:
            cells = "".join(
                _cell(
                    _quarter(q),
                    '<span class="muted">сроков не было</span>'
                    if rates.get(q) is None
                    else f'<span class="bar" aria-hidden="true">'
                    f'<span style="width:{round((rates[q] or 0) * 100)}%"></span></span>'
                    f"{_percent(rates[q])}",
                    "rate",
                )
                for q in quarters
            )
        yield f'<tr><th scope="row">{escape(organ)}</th>{cells}</tr>'
    if empty:
        yield f'<tr><td colspan="{len(quarters) + 1}">Данных нет</td></tr>'
    yield "</tbody></table>"


STYLE = """
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, Arial, sans-serif; max-width: 60rem; margin: 0 auto;
  padding: 1rem; color: #1a1a1a; overflow-wrap: break-word; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
.sub { margin: 0 0 1rem; color: #444; }
.headline { border: 2px solid #0b57d0; border-radius: .4rem; padding: .6rem 1rem; }
.headline p { margin: .3rem 0; } .figure { font-size: 1.15rem; }
.figure strong { font-size: 2rem; color: #0b57d0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #f1f3f4; } .num { white-space: nowrap; }
tr.organ th { background: #e8f0fe; } tr.total td { font-weight: 600; }
.muted { color: #5f6368; }
.bar { display: block; height: .6rem; background: #e8eaed; margin: .15rem 0 .2rem;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar span { display: block; height: 100%; background: #0b57d0; }
.method { font-size: .9rem; color: #444; }
@media (max-width: 40rem) {
  body { padding: .6rem; }
  table, thead, tbody, tr, th, td, caption { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #ccc; margin: 0 0 .5rem; padding: .2rem .4rem; }
  th, td { border: 0; padding: .15rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  .num { white-space: normal; }
}
@media print {
  body { font-size: 9.5pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; } tr, .headline { break-inside: avoid; }
}
"""


def render_html(report: dict[str, Any]) -> bytes:
    """The report as one self-contained Russian page: the figure and who is late first."""
    trend = report["trend"]
    page = iter_html(
        report,
        organs=((o, cl, report["totals"][o]) for o, cl in report["organs"].items()),
        standing=report.get("standing", []),
        quarters=sorted({q for t in trend.values() for q in t}),
        trend=trend.items(),
    )
    return "".join(page).encode("utf-8")


def iter_html(
    report: dict[str, Any],
    *,
    organs: Iterable[OrganTallies],
    standing: Iterable[dict[str, Any]],
    quarters: list[str],
    trend: Iterable[tuple[str, dict[str, float | None]]],
) -> Iterator[str]:
    """Yield the page a section at a time; ``report`` holds its small parts.

    The small parts (quarter, as_of, overall, late_now, late_now_total, worst)
    are read from ``report``; the per-organ sections come as iterables, so a
    city of any size is written as it is read. A section is one function that
    yields its lines.
    """
    quarter = Quarter.parse(report["quarter"])
    as_of = ru(date.fromisoformat(report["as_of"]))
    yield f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Исполнение Порядка ведения аккаунтов: {escape(quarter.russian())}</title>
<style>{STYLE}</style></head><body><main>
<h1>Исполнение Порядка ведения аккаунтов в социальных сетях: {escape(quarter.russian())}</h1>
<p class="sub">Сведения на {as_of}. Постановление Администрации города Новоалтайска
от 27.03.2023 № 608; сроки в рабочих днях по производственному календарю.</p>
{headline(report)}
<h2>Кто не выполнил обязанность в срок сейчас</h2>
{late_now_table(report)}
<h2>По органам</h2>
"""
    yield from iter_organ_table(organs)
    yield "\n<h2>Постоянные требования (п. 2.1, 2.4, 1.6)</h2>\n"
    yield from iter_standing_table(standing)
    yield "\n<h2>Модерация комментариев (п. 2.5)</h2>\n"
    yield moderation_table(report.get("moderation", []))
    yield "\n<h2>Вовремя за четыре квартала</h2>\n"
    yield from iter_chart(quarters, trend)
    worst = _case_table(
        "Сроки квартала, выполненные с опозданием или не выполненные",
        report["worst"],
        now=False,
        empty="Просрочек в квартале не было",
    )
    yield f"""
<h2>Наибольшие просрочки квартала</h2>
{worst}
<p class="method">Как считается: срок относится к кварталу, на который он приходится.
«Наступило» — сроки, которые истекли к дате сведений; «Вовремя» — доля выполненных в срок
среди наступивших; сроки, которые ещё впереди, в долю не входят. Просрочка считается в
рабочих днях после срока (ГК РФ ст. 191).</p>
</main></body></html>
"""


CSV_HEADER: list[object] = [
    "quarter",
    "organ",
    "clause",
    "due",
    "on_time",
    "late",
    "late_working_days",
    "overdue",
    "pending",
    "reminders",
    "on_time_rate",
    *STANDING_COLUMNS,
]


def render_csv(report: dict[str, Any]) -> bytes:
    return csv_bytes(
        iter_csv_rows(report["quarter"], report["organs"].items(), report.get("standing", []))
    )


def iter_csv_rows(
    quarter: str,
    organs: Iterable[tuple[str, dict[str, dict[str, Any]]]],
    standing: Iterable[dict[str, Any]] = (),
) -> Iterator[list[object]]:
    """Yield the CSV's header, a line per organ and clause as the organs come, then the
    standing rules' lines (п. 2.1, 2.4, 1.6) per organ in the last two columns."""
    yield CSV_HEADER
    for organ, clauses in organs:
        for clause, t in sorted(clauses.items()):
            yield [
                quarter,
                organ,
                clause,
                t["due"],
                t["on_time"],
                t["late"],
                t["late_days"],
                t["overdue"],
                t["pending"],
                t["reminders"],
                "" if t["on_time_rate"] is None else t["on_time_rate"],
            ]
    yield from standing_csv_rows(quarter, standing)
