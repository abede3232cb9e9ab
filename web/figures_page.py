"""The deputy head's figures page, rendered once per report and kept while it holds.

The report (services.figures) is cached per state of the records, but turning it
into HTML cost more than computing it at city scale: at 100,000 accounts in
14,286 organs the page was ~20 MB (a table row group and a trend row per organ),
and every request rendered it again. The page now shows the organs that do
worst (at most ORGANS_SHOWN, the IT department always), says how many more there
are, and links to the full report (HTML, CSV, or this page with ``?organs=all``);
its fragments are kept under the report's key, so a second request renders none.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from domain.clauses import IT_DEPARTMENT
from publication.compliance_html import chart, headline, late_now_table, organ_table
from publication.moderation_html import moderation_table
from services.figures import Figures

ORGANS_SHOWN = 30
_KEEP = 8
_cache: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_lock = threading.Lock()


def _worst_first(data: dict[str, Any]) -> list[str]:
    """Organs by on-time rate (lowest first), then most overdue; those with no term last."""

    def order(organ: str) -> tuple[object, ...]:
        t = data["totals"][organ]
        rate = t["on_time_rate"]
        return (rate is None, rate if rate is not None else 0.0, -t["overdue"], organ)

    return sorted(data["totals"], key=order)


def shown(data: dict[str, Any], *, every: bool) -> tuple[dict[str, Any], int]:
    """The report with only the organs the page shows, and how many it leaves out."""
    if every or len(data["organs"]) <= ORGANS_SHOWN:
        return data, 0
    keep = set(_worst_first(data)[:ORGANS_SHOWN]) | ({IT_DEPARTMENT} & set(data["organs"]))
    trimmed = {
        **data,
        "organs": {o: c for o, c in data["organs"].items() if o in keep},
        "totals": {o: t for o, t in data["totals"].items() if o in keep},
        "trend": {o: t for o, t in data["trend"].items() if o in keep},
    }
    return trimmed, len(data["organs"]) - len(trimmed["organs"])


def _kept(key: tuple[object, ...], make: Callable[[], Any]) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    made = make()
    with _lock:
        _cache[key] = made
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return made


def fragments(found: Figures, *, every: bool = False) -> dict[str, Any]:
    """The page's parts for this report: made on the first request, then reused."""

    def make() -> dict[str, Any]:
        data, left_out = shown(found.data, every=every)
        return {
            "report": found.data,
            "headline": headline(found.data),
            "late_now": late_now_table(found.data),
            "organs": organ_table(data),
            "chart": chart(data["trend"]),
            "moderation": moderation_table(found.data.get("moderation", [])),
            "left_out": left_out,
        }

    result: dict[str, Any] = _kept((*found.key, "page", every), make)
    return result


def json_body(found: Figures) -> bytes:
    """The report as the JSON API sends it (every organ), encoded once."""
    body: bytes = _kept(
        (*found.key, "json"),
        lambda: json.dumps(found.data, ensure_ascii=False, separators=(",", ":")).encode(),
    )
    return body
