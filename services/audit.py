"""Append to the audit chain, verify it, and tell its history in words.

Every writer goes through ``append``: the entry is hashed onto the current head
inside the caller's transaction, so an entry exists exactly when its change is
committed. On PostgreSQL an advisory lock serialises appends; on SQLite the
write lock does; and a unique ``prev_hash`` makes a fork impossible either way.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from domain.audit import COLUMNS, GENESIS, Verdict, chain_rows, verify_rows
from domain.dates import ru
from models.tables import AuditEntry
from services.settings import CITY_ZONE

AUDIT: sa.Table = AuditEntry.__table__  # type: ignore[attr-defined]
LOCK_KEY = 608_2023  # pg_advisory_xact_lock key for appends
_HEAD = "srok_audit_head"
# Built once: every change in srok appends, and building a statement costs more than running it.
_HEAD_QUERY = sa.select(AUDIT.c.id, AUDIT.c.hash).order_by(AUDIT.c.id.desc()).limit(1)
_INSERT_SQL: dict[str, str] = {}  # by dialect name
# One encoder, made once (json.dumps with options builds one a call); the same output.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: Any) -> None:
    """The cached head is valid inside one transaction only: others may append after it.

    Flushes run in sub-transactions of their own; only the outermost one ending
    lets other writers in, so only then is the head forgotten.
    """
    if transaction.parent is None:
        session.info.pop(_HEAD, None)


def default_actor() -> str:
    return os.environ.get("SROK_ACTOR") or getpass.getuser()


def _connection(target: Session | sa.Connection) -> sa.Connection:
    return target.connection() if isinstance(target, Session) else target


def _head(target: Session | sa.Connection) -> tuple[int, str]:
    if isinstance(target, Session) and _HEAD in target.info:
        return target.info[_HEAD]
    conn = _connection(target)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    row = conn.execute(_HEAD_QUERY).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(
    target: Session | sa.Connection,
    *,
    action: str,
    entity: str,
    actor: str | None = None,
    clause: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    account_id: int | None = None,
    organ_id: int | None = None,
    calendar_version: str | None = None,
) -> None:
    """Add one entry to the chain, in the caller's transaction."""
    append_many(
        target,
        [
            {
                "action": action,
                "entity": entity,
                "actor": actor,
                "clause": clause,
                "before": before,
                "after": after,
                "account_id": account_id,
                "organ_id": organ_id,
                "calendar_version": calendar_version,
            }
        ],
    )


def append_many(
    target: Session | sa.Connection,
    entries: list[dict[str, Any]],
    *,
    recorded_at: datetime | None = None,
) -> None:
    """Add entries in order, with one statement (``recorded_at``: now, unless given).

    A sweep appends a hundred thousand entries: they are linked as plain tuples
    (domain.audit.chain_rows) and handed to the driver's executemany, skipping
    SQLAlchemy's per-row processing; every column is text or an integer, stored
    exactly as hashed. An entry may give ``after_json`` instead of ``after``: the
    text ``after`` would be written as (sorted keys, json.dumps's separators), made
    by a caller that writes many alike.
    """
    if not entries:
        return
    head_id, head_hash = _head(target)
    session_actor = target.info.get("actor") if isinstance(target, Session) else None
    now = (recorded_at or datetime.now(UTC)).isoformat()
    needed = session_actor is None and not all(e.get("actor") for e in entries)
    fallback = default_actor() if needed else session_actor
    as_json = _JSON
    fields = [
        (
            now,
            e.get("actor") or fallback,
            e["action"],
            e.get("clause"),
            e["entity"],
            e.get("account_id"),
            e.get("organ_id"),
            None if (before := e.get("before")) is None else as_json(before),
            e.get("after_json") or (None if (after := e.get("after")) is None else as_json(after)),
            e.get("calendar_version"),
        )
        for e in entries
    ]
    rows, new_head = chain_rows(head_id, head_hash, fields)
    conn = _connection(target)
    conn.exec_driver_sql(_insert_sql(conn.dialect), rows)
    if isinstance(target, Session):
        target.info[_HEAD] = new_head


def _insert_sql(dialect: sa.Dialect) -> str:
    """The INSERT of a row in COLUMNS order, in the driver's own parameter style."""
    if dialect.name not in _INSERT_SQL:
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle in ("qmark", "numeric") else "%s"
        _INSERT_SQL[dialect.name] = (
            f"INSERT INTO {quote(AUDIT.name)} ({', '.join(quote(c) for c in COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(COLUMNS))})"
        )
    return _INSERT_SQL[dialect.name]


def head(target: Session | sa.Connection) -> tuple[int, str]:
    """Return the chain's current head (id, hash)."""
    return _head(target)


def _walk(engine: sa.Engine, batch: int = 10_000) -> Iterator[Sequence[Any]]:
    """Stream the chain in id order as plain tuples (COLUMNS), straight from the driver.

    The rows skip SQLAlchemy's result processing: the columns are text and
    integers, exactly as hashed. PostgreSQL streams through a server-side
    cursor. A walk abandoned at a break still closes its cursor.
    """
    query = sa.select(*(AUDIT.c[name] for name in COLUMNS)).order_by(AUDIT.c.id)
    with engine.connect() as conn:
        sql = str(query.compile(dialect=conn.dialect))
        raw: Any = conn.connection.dbapi_connection
        postgres = conn.dialect.name == "postgresql"
        cursor = raw.cursor(name="srok_audit_walk") if postgres else raw.cursor()
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            cursor.close()


def verify_chain(
    engine: sa.Engine,
    *,
    anchor: tuple[int, str] | None = None,
    anchors: Iterable[tuple[int, str]] = (),
) -> Verdict:
    """Recompute the whole chain from the database."""
    return verify_rows(lambda: _walk(engine), anchor=anchor, anchors=anchors)


ACTION_WORDS = {
    "event.organ_added": "зарегистрирован орган",
    "event.specialist_added": "зарегистрирован ответственный специалист",
    "event.specialist_changed": "изменены сведения об ответственном специалисте (п. 3.2)",
    "event.account_created": "создан аккаунт",
    "event.account_changed": "изменены сведения об аккаунте (п. 3.2)",
    "event.access_granted": "предоставлен доступ к аккаунту (п. 1.6)",
    "event.access_revoked": "отозван доступ к аккаунту (п. 1.6)",
    "event.notice_sent": "уведомление направлено в отдел информатизации",
    "event.registry_entered": "сведения внесены в Реестр",
    "event.link_posted": "ссылка размещена на сайте города",
    "event.registry_published": "Реестр опубликован на сайте города",
    "event.site_page_set": "указана страница органа на сайте города",
    "event.links_checked": "проверены ссылки на сайте города",
    "step.opened": "открыт шаг",
    "step.deadline_set": "начался срок шага",
    "step.closed": "шаг выполнен",
    "step.rebaselined": "срок шага пересчитан по новому календарю",
    "reminder.queued": "напоминание поставлено в очередь",
    "reminder.sending": "напоминание отправляется",
    "reminder.sent": "напоминание отправлено",
    "reminder.failed": "напоминание не доставлено",
    "reminder.unknown": "исход отправки напоминания неизвестен",
    "reminder.queued_again": "напоминание снова в очереди",
    "calendar.changed": "изменён производственный календарь",
    "moderation.decided": "решение модератора по комментарию",
    "moderation.filed": "комментарий отмечен модератором вручную",
    "event.protection_confirmed": "подтверждена защита аккаунта за квартал",
    "rule.finding": "проверка в соцсети выявила нарушение постоянного требования",
    "rule.finding_closed": "замечание к описанию аккаунта устранено",
    "finding.opened": "замечание поставлено в очередь для специалистов",
    "finding.told": "замечание сообщено специалистам",
    "unnotified.opened": "на странице органа найдена ссылка на аккаунт, о котором не уведомили",
    "unnotified.closed": "закрыта находка об аккаунте, о котором не уведомили",
}


def log(
    session: Session,
    *,
    account_id: int | None = None,
    organ_id: int | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Return the history as entries with a Russian sentence each."""
    return list(iter_log(session, account_id=account_id, organ_id=organ_id, since=since))


def iter_log(
    session: Session,
    *,
    account_id: int | None = None,
    organ_id: int | None = None,
    since: date | None = None,
    batch: int = 2000,
) -> Iterator[dict[str, Any]]:
    """Yield the history entry by entry, read ``batch`` rows at a time: flat memory for any length."""
    query = sa.select(AUDIT).order_by(AUDIT.c.id)
    if account_id is not None:
        query = query.where(AUDIT.c.account_id == account_id)
    if organ_id is not None:
        query = query.where(AUDIT.c.organ_id == organ_id)
    if since is not None:
        query = query.where(AUDIT.c.recorded_at >= since.isoformat())
    result = session.connection().execute(query.execution_options(yield_per=batch))
    try:
        for row in result.mappings():
            yield _told(dict(row))
    finally:
        result.close()


def _told(entry: dict[str, Any]) -> dict[str, Any]:
    """Add the entry's sentence: what happened, under which clause, to which dates."""
    after = json.loads(entry["after"]) if entry["after"] else {}
    words = ACTION_WORDS.get(entry["action"], entry["action"])
    what = [words]
    if entry["clause"]:
        what.append(f"п. {entry['clause']}")
    for key in ("due", "done_on", "url", "kind", "quarter", "on"):
        if after.get(key):
            value = after[key]
            if key in ("due", "done_on", "on") and isinstance(value, str) and len(value) == 10:
                value = ru(date.fromisoformat(value))
            what.append(f"{key}: {value}")
    when = (
        datetime.fromisoformat(entry["recorded_at"])
        .astimezone(CITY_ZONE)
        .strftime("%d.%m.%Y %H:%M")
    )
    entry["words"] = f"№ {entry['id']} {when} {entry['actor']}: {entry['entity']} — " + "; ".join(
        what
    )
    return entry
