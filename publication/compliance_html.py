"""The compliance report as a page for the deputy head: Russian, printable, a chart not a wall of numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape
from typing import Any

from domain.clauses import CLAUSES
from domain.dates import ru
from domain.quarter import Quarter

COLOURS = ("#9aa0a6", "#7baaf7", "#4285f4", "#0b57d0")  # older quarters lighter


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def chart(trend: dict[str, dict[str, float | None]]) -> str:
    """Grouped horizontal bars: one group per organ, one bar per quarter (inline SVG)."""
    organs = list(trend)
    quarters = sorted({q for t in trend.values() for q in t})
    bar, gap, label_w, plot_w = 14, 10, 330, 360
    group_h = bar * len(quarters) + gap
    height = group_h * len(organs) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {label_w + plot_w + 60} {height}" '
        'aria-labelledby="chart-title"><title id="chart-title">Доля сроков, выполненных '
        "вовремя, по органам и кварталам</title>"
    ]
    for x in (0, 50, 100):
        px = label_w + plot_w * x / 100
        parts.append(
            f'<line x1="{px}" y1="0" x2="{px}" y2="{height - 30}" stroke="#ddd"/>'
            f'<text x="{px}" y="{height - 14}" font-size="11" text-anchor="middle">{x} %</text>'
        )
    for i, organ in enumerate(organs):
        y0 = i * group_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y0 + group_h / 2}" font-size="11" '
            f'text-anchor="end" dominant-baseline="middle">{escape(organ[:48])}</text>'
        )
        for j, q in enumerate(quarters):
            rate = trend[organ].get(q)
            width = plot_w * (rate or 0)
            y = y0 + j * bar
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar - 2}" '
                f'fill="{COLOURS[-len(quarters) + j]}"><title>{escape(organ)}, {q}: '
                f"{_percent(rate)}</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + width + 4:.1f}" y="{y + bar / 2}" font-size="10" '
                f'dominant-baseline="middle">{_percent(rate)}</text>'
            )
    legend = " ".join(
        f'<tspan fill="{COLOURS[-len(quarters) + j]}">■</tspan> {q}' for j, q in enumerate(quarters)
    )
    parts.append(f'<text x="{label_w}" y="{height - 2}" font-size="11">{legend}</text></svg>')
    return "".join(parts)


def render_html(report: dict[str, Any]) -> bytes:
    quarter = Quarter.parse(report["quarter"])
    rows = []
    for organ, clauses in report["organs"].items():
        for clause, t in sorted(clauses.items()):
            rows.append(
                f"<tr><td>{escape(organ)}</td><td>п. {clause}</td><td>{t['due']}</td>"
                f"<td>{t['on_time']}</td><td>{t['late']} ({t['late_days']} раб. дн.)</td>"
                f"<td>{t['overdue']}</td><td>{t['reminders']}</td><td>{_percent(t['on_time_rate'])}</td></tr>"
            )
    worst = "".join(
        f"<tr><td>{c['account_id']}</td><td>{escape(c['organ'])}</td><td>{escape(c['network'])}</td>"
        f"<td>п. {c['clause']}: {escape(CLAUSES[c['clause']].duty)}</td>"
        f"<td>{ru(date.fromisoformat(c['due']))}</td><td>{c['late_working_days']}</td>"
        f"<td>{'просрочен' if c['state'] == 'overdue' else 'выполнен с опозданием'}</td></tr>"
        for c in report["worst"]
    )
    page = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Исполнение Порядка ведения аккаунтов: {escape(quarter.russian())}</title>
<style>
body {{ font: 15px/1.45 system-ui, Arial, sans-serif; max-width: 64rem; margin: 0 auto; padding: 1rem; color: #1a1a1a; }}
h1 {{ font-size: 1.4rem; }} h2 {{ font-size: 1.1rem; margin-top: 1.5rem; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #ccc; padding: .3rem .45rem; text-align: left; }}
th {{ background: #f1f3f4; }} td:nth-child(n+3) {{ white-space: nowrap; }}
.wide {{ overflow-x: auto; }} .wide:focus {{ outline: 2px solid #1a5fb4; }}
@media print {{ body {{ font-size: 10pt; max-width: none; }} tr, svg {{ break-inside: avoid; }} .wide {{ overflow: visible; }} }}
</style></head><body><main>
<h1>Исполнение Порядка создания и ведения аккаунтов в социальных сетях за {escape(quarter.russian())}</h1>
<p>Постановление Администрации города Новоалтайска от 27.03.2023 № 608. Сведения на {ru(date.fromisoformat(report["as_of"]))}:
сроки, приходящиеся на квартал, по органам и пунктам Порядка.</p>
<h2>Доля сроков, выполненных вовремя, за четыре квартала</h2>
{chart(report["trend"])}
<h2 id="by-organ">По органам и пунктам</h2>
<div class="wide" role="region" aria-labelledby="by-organ" tabindex="0"><table><thead><tr><th scope="col">Орган</th><th scope="col">Пункт</th><th scope="col">Сроков</th>
<th scope="col">В срок</th><th scope="col">С опозданием</th><th scope="col">Просрочено</th>
<th scope="col">Напоминаний</th><th scope="col">Вовремя</th></tr></thead>
<tbody>{"".join(rows) or '<tr><td colspan="8">Сроков в квартале не было</td></tr>'}</tbody></table></div>
<h2 id="worst">Наибольшие просрочки</h2>
<div class="wide" role="region" aria-labelledby="worst" tabindex="0"><table><thead><tr><th scope="col">Акк.</th><th scope="col">Орган</th><th scope="col">Сеть</th>
<th scope="col">Обязанность</th><th scope="col">Срок</th><th scope="col">Раб. дней</th><th scope="col">Состояние</th></tr></thead>
<tbody>{worst or '<tr><td colspan="7">Просрочек нет</td></tr>'}</tbody></table></div>
</main></body></html>
"""
    return page.encode("utf-8")


def render_csv(report: dict[str, Any]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
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
        ]
    )
    for organ, clauses in report["organs"].items():
        for clause, t in sorted(clauses.items()):
            writer.writerow(
                [
                    report["quarter"],
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
            )
    return buffer.getvalue().encode("utf-8")
