"""Publish the public part of the Registry for a quarter (п. 3.5) and record it.

The files are written into their own folder inside the same transaction that
records the publication and closes its п. 3.5 steps; `current` moves to the
new folder only after the commit. Publishing the same quarter again on the same
day is idempotent: it rewrites the same bytes and records nothing new, so a run
that died between the commit and the swap is finished by running it again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.checks import publishable
from domain.deadlines import DateRule, quarter_publication_deadline
from domain.errors import RuleViolation
from domain.quarter import Quarter
from models.tables import Publication
from publication import html, opendata
from publication.site import current_quarter, current_rows, point_current, write_publication
from services.app import Srok
from services.audit import head as audit_head
from services.email_address import env_email
from services.events import record_publication
from services.files import check_output_folder
from services.registry import public_registry


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
    files = opendata.render(rows, passport)
    document = {
        "quarter": str(quarter),
        "published_on": on.isoformat(),
        "rows": rows,
        "audit_head": {"id": anchor[0], "sha256": anchor[1]},
    }
    files["registry.json"] = (
        json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    files["index.html"] = html.render(
        rows, quarter_words=quarter.russian(), published_on=on, files=sorted(files), anchor=anchor
    )
    return files


def _diff(
    before: list[dict[str, Any]] | None, after: list[dict[str, Any]]
) -> tuple[list[str], list[str], list[str]]:
    if before is None:
        return [str(r["url"]) for r in after], [], []
    old = {r["account_id"]: r["url"] for r in before}
    new = {r["account_id"]: r["url"] for r in after}
    added = sorted(str(new[a]) for a in new.keys() - old.keys())
    removed = sorted(str(old[a]) for a in old.keys() - new.keys())
    changed = sorted(f"{old[a]} → {new[a]}" for a in old.keys() & new.keys() if old[a] != new[a])
    return added, removed, changed


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
        record, steps = record_publication(
            session=session, quarter_text=str(quarter), on=on, actor=actor, today=today
        )
        closed = len(steps)
        # The chain's head, this publication's own entries included: an anchor outside
        # the database that later proves the history up to here was not rewritten.
        record.audit_head_id, record.audit_head_hash = audit_head(session)
        session.add(record)
        anchor = (record.audit_head_id, record.audit_head_hash)
    rows = [e.as_dict() for e in public_registry(session, on=on)]
    files = render_files(
        rows, _passport(session, calendar, quarter, on, rule), quarter, on, anchor=anchor
    )
    folder = f"{quarter}-{on.strftime('%Y%m%d')}"
    before = current_rows(out)
    write_publication(out, folder, files)
    added, removed, changed = _diff(before, rows)
    return PublishResult(
        quarter=str(quarter),
        published_on=on.isoformat(),
        folder=str(out / folder),
        files=sorted(files),
        rows=len(rows),
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
    rows = [e.as_dict() for e in public_registry(session, on=on)]
    return render_files(
        rows, _passport(session, calendar, quarter, on, rule), quarter, on, anchor=(None, None)
    )
