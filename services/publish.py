"""Publish the public part of the Registry for a quarter (п. 3.5) and record it.

The files are written into their own folder inside the same transaction that
records the publication and closes its п. 3.5 steps; `current` moves to the
new folder only after the commit. Publishing the same quarter again on the same
day is idempotent: it rewrites the same bytes and records nothing new, so a run
that died between the commit and the swap is finished by running it again.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.checks import publishable
from domain.deadlines import DateRule, quarter_publication_deadline
from domain.errors import RuleViolation
from domain.quarter import Quarter
from models.tables import Publication
from publication import html, opendata
from publication.csv_cells import CsvFile
from publication.json_text import StreamedList, iter_json
from publication.site import (
    current_quarter,
    iter_current_rows,
    point_current,
    staged_folder,
    synced_file,
)
from services.app import Srok
from services.audit import head as audit_head
from services.email_address import env_email
from services.events import record_publication_counted
from services.files import check_output_folder
from services.publication_changes import Changes
from services.registry import iter_public_registry


@dataclass
class PublishResult:
    quarter: str
    published_on: str
    folder: str
    files: list[str]
    rows: int
    closed_steps: int
    recorded: bool  # False when this repeated an identical earlier publication
    added: list[str] = field(default_factory=list)  # addresses new since the previous one
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # "old → new"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _passport(
    session: Session, calendar: WorkingCalendar, quarter: Quarter, on: date, rule: DateRule
) -> opendata.Passport:
    first: date | None = session.execute(
        select(col(Publication.published_on)).order_by(col(Publication.published_on))
    ).scalar()
    env = os.environ
    return opendata.Passport(
        identifier=env.get("SROK_OPENDATA_IDENTIFIER", "novoaltaysk-socialaccounts"),
        creator="Администрация города Новоалтайска",
        publisher="Отдел информатизации Администрации города Новоалтайска",
        publisher_phone=env.get("SROK_IT_PHONE", ""),
        publisher_mbox=env_email(env, "SROK_IT_EMAIL", "it-department@example.invalid") or "",
        created=min(first, on) if first else on,
        modified=on,
        valid=quarter_publication_deadline(calendar, quarter.next(), rule=rule).due,
        quarter_words=quarter.russian(),
    )


def render_files(
    rows: list[dict[str, Any]],
    passport: opendata.Passport,
    quarter: Quarter,
    on: date,
    *,
    anchor: tuple[int | None, str | None],
) -> dict[str, bytes]:
    """Return the publication's files in memory: the preview's page, a small city's tests."""
    sinks = {name: io.BytesIO() for name in file_names(on)}
    write_files(sinks, rows, passport, quarter, on, anchor=anchor)
    return {name: sink.getvalue() for name, sink in sinks.items()}


def file_names(on: date) -> list[str]:
    """The files of a publication made on ``on``, sorted as index.html lists them."""
    return sorted(["meta.csv", *opendata.file_names(on), "registry.json", "index.html"])


def write_files(
    sinks: Mapping[str, BinaryIO],
    rows: Iterable[dict[str, Any]],
    passport: opendata.Passport,
    quarter: Quarter,
    on: date,
    *,
    anchor: tuple[int | None, str | None],
) -> int:
    """Write the files into ``sinks`` (by name) as the rows come; return how many rows came.

    The rows are read once: each goes to the open-data CSV, registry.json and
    the page's table together. The page's caption counts the rows before the
    first one, so the table is kept aside (on disk past a megabyte) until the
    count is known.
    """
    for name, small in opendata.small_files(passport).items():
        sinks[name].write(small)
    data_name, _ = opendata.file_names(on)
    data = CsvFile(sinks[data_name])
    data_lines = opendata.data_rows(())
    data.write(next(data_lines))  # the header
    seen = 0

    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as table:

        def each_row() -> Iterator[dict[str, Any]]:
            nonlocal seen
            for row in rows:
                seen += 1
                table.write(((html.ROW_SEPARATOR if seen > 1 else "") + html.row(row)).encode())
                data.write(opendata.data_line(seen, row))
                yield row

        document = {
            "quarter": str(quarter),
            "published_on": on.isoformat(),
            "rows": StreamedList(each_row()),
            "audit_head": {"id": anchor[0], "sha256": anchor[1]},
        }
        pieces: list[str] = []
        for piece in iter_json(document):
            pieces.append(piece)
            if len(pieces) >= 1000:
                sinks["registry.json"].write("".join(pieces).encode("utf-8"))
                pieces = []
        sinks["registry.json"].write(("".join(pieces) + "\n").encode("utf-8"))
        data.flush()
        page = sinks["index.html"]
        page.write(html.head(count=seen, quarter_words=quarter.russian(), published_on=on).encode())
        table.seek(0)
        shutil.copyfileobj(table, page)
        downloads = [name for name in file_names(on) if name != "index.html"]
        page.write(html.tail(count=seen, files=downloads, anchor=anchor).encode("utf-8"))
    return seen


def _newest_published(session: Session, out: Path) -> Quarter | None:
    """The newest quarter recorded, or served from ``out/current``, whichever is later."""
    recorded = [Quarter.parse(q) for q in session.exec(select(Publication.quarter))]
    served = current_quarter(out)
    if served is not None:
        recorded.append(Quarter.parse(served))
    return max(recorded, default=None)


def publish(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter_text: str,
    on: date,
    out: Path,
    rule: DateRule,
    actor: str,
    today: date,
) -> PublishResult:
    """Write the public registry for a quarter into ``out`` and record the publication."""
    try:
        quarter = Quarter.parse(quarter_text)
    except ValueError as exc:
        raise RuleViolation("--quarter", str(exc), "3.5") from None
    publishable(quarter, on)
    newest = _newest_published(session, out)
    if newest is not None and quarter < newest:
        raise RuleViolation(
            "--quarter",
            f"{quarter} — раньше уже опубликованного {newest}: сайт показывает только "
            "новые публикации (`current` не возвращается назад)",
            "3.5",
        )
    earlier = session.exec(select(Publication).where(Publication.quarter == str(quarter))).first()
    repeat = earlier is not None and earlier.published_on == on
    closed = 0
    if earlier is not None and repeat:
        anchor = (earlier.audit_head_id, earlier.audit_head_hash)
    else:
        record, closed = record_publication_counted(
            session=session, quarter_text=str(quarter), on=on, actor=actor, today=today
        )
        # The chain's head, this publication's own entries included: an anchor outside
        # the database that later proves the history up to here was not rewritten.
        record.audit_head_id, record.audit_head_hash = audit_head(session)
        session.add(record)
        anchor = (record.audit_head_id, record.audit_head_hash)
    folder = f"{quarter}-{on.strftime('%Y%m%d')}"
    passport = _passport(session, calendar, quarter, on, rule)
    names = file_names(on)
    with Changes(iter_current_rows(out)) as changes:
        rows = (changes.note(e.as_dict()) for e in iter_public_registry(session, on=on))
        with staged_folder(out, folder) as staging, ExitStack() as stack:
            sinks = {name: stack.enter_context(synced_file(staging / name)) for name in names}
            count = write_files(sinks, rows, passport, quarter, on, anchor=anchor)
        added, removed, changed = changes.found()
    return PublishResult(
        quarter=str(quarter),
        published_on=on.isoformat(),
        folder=str(out / folder),
        files=names,
        rows=count,
        closed_steps=closed,
        recorded=not repeat,
        added=added,
        removed=removed,
        changed=changed,
    )


def finish(out: Path, result: PublishResult) -> None:
    """After the commit: make the new folder the one the site serves."""
    point_current(out, Path(result.folder).name)


def run_publish(
    app: Srok, *, quarter_text: str, on: date, out: Path | None, actor: str
) -> PublishResult:
    """Publish in one transaction, then move `current`: what `srok publication make` and the flow run."""
    folder = check_output_folder("--out", out) if out else app.settings.home / "public"
    with app.transaction() as session:
        result = publish(
            session=session,
            calendar=app.calendar,
            quarter_text=quarter_text,
            on=on,
            out=folder,
            rule=app.settings.publication_rule,
            actor=actor,
            today=app.today(),
        )
    finish(folder, result)
    return result


def preview(
    *, session: Session, calendar: WorkingCalendar, quarter_text: str, on: date, rule: DateRule
) -> dict[str, bytes]:
    """Render what publishing ``quarter_text`` on ``on`` would write, recording nothing.

    The files are those of the publication byte for byte, except the audit
    chain's head, which only the publication's own entries fix.
    """
    try:
        quarter = Quarter.parse(quarter_text)
    except ValueError as exc:
        raise RuleViolation("--quarter", str(exc), "3.5") from None
    rows = [e.as_dict() for e in iter_public_registry(session, on=on)]
    return render_files(
        rows, _passport(session, calendar, quarter, on, rule), quarter, on, anchor=(None, None)
    )
