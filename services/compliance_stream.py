"""Write the compliance report (п. 4) as its organs are read: the same bytes, in flat memory.

``compliance_report`` builds the whole Report, one entry per organ, four
quarters of them for the trend: fine for the web's figures (cached) and the
deputy head's letter, not for a command on a city of 100,000 accounts. Here the
per-organ parts come from statements ordered by organ (``figures.iter_tallies``,
``standing_report.iter_standing``) and each is written as it comes; only one
organ's figures, the city's running total, the 30 late-now and 10 worst cases
are held. The bytes are those of ``compliance.render`` (tests/publication/
test_stream_golden.py holds them equal).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.clauses import IT_DEPARTMENT
from domain.errors import NotFound, RuleViolation
from domain.quarter import Quarter
from models.tables import Organ
from publication.compliance_html import iter_csv_rows, iter_html
from publication.csv_cells import iter_csv
from publication.json_text import StreamedList, StreamedObject, iter_json
from services.compliance import Tally, late_now_cases
from services.figures import iter_tallies, worst_cases
from services.moderation_time import moderation_by_organ
from services.standing_report import iter_standing

FORMATS = ("html", "csv", "json")
CHUNK = 1 << 16


def write_report(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    fmt: str,
    sink: BinaryIO,
    organ_id: int | None = None,
    worst: int = 10,
    late_now: int = 30,
) -> None:
    """Write the quarter's report as ``fmt`` (html, csv or json) into ``sink`` as it is counted."""
    if fmt not in FORMATS:
        raise RuleViolation("--format", f"«{fmt}» — допустимо {', '.join(FORMATS)}", "4")
    if organ_id is not None and session.get(Organ, organ_id) is None:
        raise NotFound("--organ", f"нет органа с id {organ_id}", "4")
    parts = _Parts(session, calendar, quarter, as_of, organ_id)
    try:
        _write(parts, fmt, sink, worst=worst, late_now=late_now)
    finally:
        parts.close()


def _write(parts: _Parts, fmt: str, sink: BinaryIO, *, worst: int, late_now: int) -> None:
    session, calendar, quarter = parts.session, parts.calendar, parts.quarter
    as_of, organ_id = parts.as_of, parts.organ_id
    if fmt == "csv":
        organs = ((o, _plain(cl)) for o, cl in parts.tallies(it_last=True))
        for piece in iter_csv(iter_csv_rows(str(quarter), organs, parts.standing())):
            sink.write(piece)
        return
    small: dict[str, Any] = {"quarter": str(quarter), "as_of": as_of.isoformat()}
    small["late_now"], small["late_now_total"] = late_now_cases(
        session, calendar, as_of, organ_id, late_now
    )
    small["worst"] = worst_cases(session, calendar, quarter, as_of, worst, organ_id)
    # One row per organ (п. 2.5): small whatever the number of comments, counted in SQL.
    small["moderation"] = moderation_by_organ(
        session=session, calendar=calendar, quarter=quarter, as_of=as_of, organ_id=organ_id
    )
    if fmt == "html":
        overall = Tally()
        for _, clauses in parts.tallies(it_last=True):
            for tally in clauses.values():
                overall.add(tally)
        small["overall"] = overall.as_dict()
        quarters, trend = parts.trend(it_last=True)
        text = iter_html(
            small,
            organs=((o, _plain(cl), _total(cl).as_dict()) for o, cl in parts.tallies(it_last=True)),
            standing=parts.standing(),
            quarters=quarters,
            trend=trend,
        )
    else:
        text = iter_json(StreamedObject(_json_pairs(small, parts)))
        text = _then(text, "\n")
    _write_text(sink, text)


def _json_pairs(small: dict[str, Any], parts: _Parts) -> Iterator[tuple[str, Any]]:
    """Yield the report's keys in sorted order; the city's total is known once its organs are read."""
    overall = Tally()

    def organs() -> Iterator[tuple[str, Any]]:
        for organ, clauses in parts.tallies(it_last=False):
            for tally in clauses.values():
                overall.add(tally)
            yield organ, _plain(clauses)

    yield "as_of", small["as_of"]
    yield "late_now", small["late_now"]
    yield "late_now_total", small["late_now_total"]
    yield "moderation", small["moderation"]
    yield "organs", StreamedObject(organs())
    yield "overall", overall.as_dict()  # read after "organs" is written
    yield "quarter", small["quarter"]
    yield "standing", StreamedList(parts.standing())
    yield (
        "totals",
        StreamedObject((o, _total(cl).as_dict()) for o, cl in parts.tallies(it_last=False)),
    )
    yield "trend", StreamedObject(parts.trend(it_last=False)[1])
    yield "worst", small["worst"]


class _Parts:
    """The report's per-organ parts, each a fresh stream ordered by owner."""

    def __init__(
        self,
        session: Session,
        calendar: WorkingCalendar,
        quarter: Quarter,
        as_of: date,
        organ_id: int | None,
    ) -> None:
        self.session, self.calendar, self.quarter = session, calendar, quarter
        self.as_of, self.organ_id = as_of, organ_id
        self._kept: _Kept | None = None

    def tallies(
        self, *, it_last: bool, quarter: Quarter | None = None
    ) -> Iterator[tuple[str, dict[str, Tally]]]:
        """The owners' tallies of a quarter; the report's own quarter is counted once.

        Its first full reading is kept in a temporary file, and later sections
        (totals, the trend, the page's organs after its headline) read it back.
        """
        counted = iter_tallies(
            session=self.session,
            calendar=self.calendar,
            quarter=quarter or self.quarter,
            as_of=self.as_of,
            organ_id=self.organ_id,
            it_last=it_last,
        )
        if quarter not in (None, self.quarter):
            return counted
        if self._kept is None:
            self._kept = _Kept()
        return self._kept.read(counted, order=it_last)

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()

    def standing(self) -> Iterator[dict[str, Any]]:
        return iter_standing(session=self.session, quarter=self.quarter, organ_id=self.organ_id)

    def trend(
        self, *, it_last: bool
    ) -> tuple[list[str], Iterator[tuple[str, dict[str, float | None]]]]:
        """Return the quarters shown and each owner's on-time rate over the four quarters.

        As add_totals_and_trend: an owner has a rate for every quarter if it owes
        something in the report's quarter, otherwise only for the quarters it owed
        something in. The four quarters are read side by side, merged by owner.
        """
        quarters = [self.quarter]
        for _ in range(3):
            quarters.insert(0, quarters[0].previous())
        heads = [_Head(self.tallies(it_last=it_last, quarter=q)) for q in quarters]
        names = [str(q) for q in quarters]
        current = heads[-1]
        if current.row is not None:
            shown = names
        else:
            shown = [n for n, head in zip(names, heads, strict=True) if head.row is not None]

        def key(owner: str) -> tuple[bool, str]:
            return (it_last and owner == IT_DEPARTMENT, owner)

        def merged() -> Iterator[tuple[str, dict[str, float | None]]]:
            while True:
                owners = [h.row[0] for h in heads if h.row is not None]
                if not owners:
                    return
                owner = min(owners, key=key)
                rates: dict[str, float | None] = {}
                mine = [h.take(owner) for h in heads]
                owes_now = mine[-1] is not None
                for name, clauses in zip(names, mine, strict=True):
                    if clauses is not None or owes_now:
                        rates[name] = _total(clauses or {}).on_time_rate
                yield owner, rates

        return shown, merged()


class _Kept:
    """A stream's items kept in a temporary file after one full reading, for the next readers.

    Each reader keeps its own place in the file, so two may read at once; a
    reader that comes before the first reading is complete counts again.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), with the report)
        self._order: bool | None = None  # set once a reading in that order is complete
        self._writing = False

    def read(self, counted: Iterator[Any], *, order: bool) -> Iterator[Any]:
        if self._order == order:
            return self._replay()
        if self._order is None and not self._writing:
            return self._record(counted, order)
        return counted

    def _record(self, counted: Iterator[Any], order: bool) -> Iterator[Any]:
        self._writing = True
        self._file.seek(0)
        self._file.truncate()
        for item in counted:
            self._file.seek(0, os.SEEK_END)
            pickle.dump(item, self._file)
            yield item
        self._order, self._writing = order, False

    def _replay(self) -> Iterator[Any]:
        self._file.seek(0, os.SEEK_END)
        end, place = self._file.tell(), 0
        while place < end:
            self._file.seek(place)
            item = pickle.load(self._file)
            place = self._file.tell()
            yield item

    def close(self) -> None:
        self._file.close()


class _Head:
    """A stream of (owner, tallies) with its next row in view."""

    def __init__(self, rows: Iterator[tuple[str, dict[str, Tally]]]) -> None:
        self._rows = rows
        self.row: tuple[str, dict[str, Tally]] | None = next(rows, None)

    def take(self, owner: str) -> dict[str, Tally] | None:
        """Return the owner's tallies and move on, or None if this stream has no such owner."""
        if self.row is None or self.row[0] != owner:
            return None
        clauses = self.row[1]
        self.row = next(self._rows, None)
        return clauses


def _total(clauses: dict[str, Tally]) -> Tally:
    total = Tally()
    for tally in clauses.values():
        total.add(tally)
    return total


def _plain(clauses: dict[str, Tally]) -> dict[str, dict[str, Any]]:
    return {clause: tally.as_dict() for clause, tally in clauses.items()}


def _then(text: Iterable[str], last: str) -> Iterator[str]:
    yield from text
    yield last


def _write_text(sink: BinaryIO, text: Iterable[str]) -> None:
    """Write the pieces as UTF-8, about 64 KB at a time."""
    pending: list[str] = []
    size = 0
    for piece in text:
        pending.append(piece)
        size += len(piece)
        if size >= CHUNK:
            sink.write("".join(pending).encode("utf-8"))
            pending, size = [], 0
    sink.write("".join(pending).encode("utf-8"))
