"""Queue the reminders that are due on a day: each claimed by a unique key, so never twice."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.clauses import FINDING_CLAUSES
from domain.reminders import (
    DEFAULT_POLICY,
    Audience,
    ReminderDue,
    ReminderKind,
    ReminderPolicy,
    audience,
    finding_reminder,
    reminder_for,
)
from models.tables import Account, AccountSpecialist, Organ, Reminder, Step, utcnow
from services.audit import append_many
from services.findings import close_told_findings

CHUNK = 500


@dataclass
class PlanReport:
    as_of: date
    open_steps: int = 0
    due: int = 0
    queued: int = 0  # newly queued by this run (a repeat run queues 0)
    by_kind: dict[str, int] = field(default_factory=dict)
    skipped_day_off: bool = False


def reminder_key(step_id: int, kind: ReminderKind, on: date) -> str:
    return f"{step_id}:{kind.value}:{on.isoformat()}"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def current_specialists(session: Session, account_ids: Iterable[int]) -> dict[int, list[int]]:
    """Map each account to its current responsible specialists' ids."""
    found: dict[int, list[int]] = {}
    ids = sorted(set(account_ids))
    if len(ids) > 20 * CHUNK:  # most of the city: one pass beats many IN lists
        wanted = set(ids)
        for account_id, specialist_id in session.connection().execute(
            sa.select(
                col(AccountSpecialist.account_id), col(AccountSpecialist.specialist_id)
            ).where(col(AccountSpecialist.until).is_(None))
        ):
            if account_id in wanted:
                found.setdefault(account_id, []).append(specialist_id)
        return {k: sorted(v) for k, v in found.items()}
    for chunk in _chunks(ids):
        rows = session.connection().execute(
            sa.select(
                col(AccountSpecialist.account_id), col(AccountSpecialist.specialist_id)
            ).where(
                col(AccountSpecialist.account_id).in_(chunk),
                col(AccountSpecialist.until).is_(None),
            )
        )
        for account_id, specialist_id in rows:
            found.setdefault(account_id, []).append(specialist_id)
    return {k: sorted(v) for k, v in found.items()}


def plan_reminders(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    it_mailbox: str,
    it_supervisor: str | None = None,
    policy: ReminderPolicy = DEFAULT_POLICY,
    dry_run: bool = False,
) -> PlanReport:
    """Decide which open steps get a reminder on ``as_of`` and queue them (unless ``dry_run``).

    An escalation is copied to someone who can act on it: for an organ's step,
    its head (or, with no head mailbox, the organ's own mailbox) and the IT
    department; for the IT department's own steps (п. 3.4, 3.5), whoever
    oversees the IT department (``it_supervisor``), not the head of the organ.
    """
    report = PlanReport(as_of=as_of)
    if not calendar.is_working(as_of):
        report.skipped_day_off = True
        return report
    # Which reminder a step gets depends on its due date alone (and on whether it is a
    # finding of the standing rules, told once), so the rule is applied once per distinct
    # due date (a few hundred), not once per open step (the city). A step with no
    # account yet (п. 1.2) belongs to its organ directly.
    open_step = sa.and_(
        col(Step.done_on).is_(None),
        col(Step.due).is_not(None),
        sa.or_(col(Account.active), col(Step.account_id).is_(None)),
    )
    is_finding = col(Step.clause).in_(
        sa.bindparam("findings", sorted(FINDING_CLAUSES), literal_execute=True)
    )
    # Plain rows through the connection: the ORM's row processing cost more than the query.
    per_due: Sequence[Any] = (
        session.connection()
        .execute(
            sa.select(col(Step.due), is_finding, sa.func.count())
            .outerjoin(Account, col(Account.id) == col(Step.account_id))
            .where(open_step)
            .group_by(col(Step.due), is_finding)
        )
        .all()
    )
    found_on: dict[tuple[date, bool], ReminderDue] = {}
    kinds: Counter[str] = Counter()
    for step_due, finding, count in per_due:
        report.open_steps += count
        found = (
            finding_reminder(calendar, due=step_due, as_of=as_of)
            if finding
            else reminder_for(calendar, due=step_due, as_of=as_of, policy=policy)
        )
        if found is not None:
            found_on[(step_due, bool(finding))] = found
            kinds[found.kind.value] += count
            report.due += count
    report.by_kind = dict(kinds)
    if dry_run or not found_on:
        return report
    # A step that already has its reminder of the day for the same due date (an
    # earlier sweep) is not read again: a second sweep the same day reads only
    # what changed since. The unique key still guards against a concurrent one.
    already = sa.exists().where(
        col(Reminder.on_date) == as_of,
        col(Reminder.step_id) == col(Step.id),
        col(Reminder.due) == col(Step.due),
    )
    rows: Sequence[Any] = (
        session.connection()
        .execute(
            sa.select(
                col(Step.id),
                col(Step.account_id),
                col(Step.clause),
                col(Step.due),
                col(Organ.email),
                col(Organ.head_email),
            )
            .outerjoin(Account, col(Account.id) == col(Step.account_id))
            .join(
                Organ, col(Organ.id) == sa.func.coalesce(col(Step.organ_id), col(Account.organ_id))
            )
            .where(open_step, col(Step.due).in_(sorted({d for d, _ in found_on})), ~already)
        )
        .all()
    )
    due = [
        (*row, found_on[key])
        for row in rows
        if (key := (row[3], row[2] in FINDING_CLAUSES)) in found_on
    ]
    if not due:
        return report
    specialists = current_specialists(
        session, [d[1] for d in due if d[1] is not None and audience(d[2]) is Audience.SPECIALISTS]
    )
    values: list[tuple[Any, ...]] = []  # in COLUMNS order
    as_json = _list_json()
    to_specialists = {
        clause: audience(clause) is Audience.SPECIALISTS for clause in {d[2] for d in due}
    }
    for step_id, account_id, clause, step_due, organ_email, head_email, found in due:
        people: list[int] = []
        mailboxes: list[str] = []
        if to_specialists[clause]:
            people = specialists.get(account_id, []) if account_id is not None else []
            if not people:
                mailboxes = [organ_email or it_mailbox]
        else:
            mailboxes = [it_mailbox]
        cc: list[str] = []
        if found.kind is ReminderKind.ESCALATION:
            copied = (
                (head_email or organ_email, it_mailbox)
                if to_specialists[clause]
                else (it_supervisor,)
            )
            cc = [m for m in dict.fromkeys(copied) if m and m not in mailboxes]
        values.append(
            (
                reminder_key(step_id, found.kind, as_of),
                step_id,
                account_id,
                found.kind.value,
                step_due,
                found.working_days_left,
                found.working_days_late,
                as_json(tuple(people)),
                as_json(tuple(mailboxes)),
                as_json(tuple(cc)),
            )
        )
    report.queued = _insert_new(session, values, as_of)
    # A finding is told once: its step closes with the reminder that tells it.
    close_told_findings(
        session, [(d[0], d[1], d[2]) for d in due if d[2] in FINDING_CLAUSES], as_of
    )
    return report


def _list_json() -> Callable[[tuple[Any, ...]], str]:
    """Write small lists as JSON once each: a city's reminders repeat many of them."""
    return functools.lru_cache(maxsize=None)(_json_list)


def _json_list(items: tuple[Any, ...]) -> str:
    """``json.dumps(list(items))`` for ids and mailboxes, without an encoder built a call."""
    parts = []
    for item in items:
        if type(item) is int:
            parts.append(str(item))
        elif type(item) is str:
            parts.append(encode_basestring_ascii(item))
        else:
            return json.dumps(list(items))
    return "[" + ", ".join(parts) + "]"


# The columns a sweep writes, in the order of its rows' tuples; on_date, state, attempts and
# queued_at are the same for the whole sweep and are appended to each row at the insert.
COLUMNS = (
    "key",
    "step_id",
    "account_id",
    "kind",
    "due",
    "working_days_left",
    "working_days_late",
    "specialist_ids",
    "mailboxes",
    "cc_mailboxes",
)
_KEY, _ACCOUNT, _KIND, _DUE, _PEOPLE = 0, 2, 3, 4, 7
_CONSTANT = ("on_date", "state", "attempts", "queued_at")


def _insert_new(session: Session, values: list[tuple[Any, ...]], as_of: date) -> int:
    """Insert the reminders whose key is new; a key already claimed is left alone.

    Keys queued earlier today are skipped before the insert; ON CONFLICT DO
    NOTHING covers a concurrent sweep that queues the same key meanwhile. The
    rows go to the driver's executemany as plain tuples, their dates and instant
    bound the way SQLAlchemy binds them (so stored alike), once per distinct value.
    """
    conn = session.connection()
    existing = set(
        conn.execute(sa.select(col(Reminder.key)).where(col(Reminder.on_date) == as_of)).scalars()
    )
    fresh = sorted((v for v in values if v[_KEY] not in existing), key=itemgetter(_KEY))
    if not fresh:
        return 0
    dialect = conn.dialect
    bind_date = _binder(TABLE.c.due, dialect)
    dues = {due: bind_date(due) for due in {v[_DUE] for v in fresh}}
    constant = (bind_date(as_of), "queued", 0, _binder(TABLE.c.queued_at, dialect)(utcnow()))
    sql = _insert_sql(dialect)
    for chunk in _chunks(fresh, 20_000):
        conn.exec_driver_sql(
            sql, [(*v[:_DUE], dues[v[_DUE]], *v[_DUE + 1 :], *constant) for v in chunk]
        )
    on = as_of.isoformat()
    # The entry's "after" written directly in the canonical form append_many would give
    # {"kind", "on", "due", "specialist_ids"} (sorted keys, json.dumps's separators):
    # every part is ASCII made here, and the ids are already JSON.
    append_many(
        session,
        [
            {
                "action": "reminder.queued",
                "entity": f"reminder:{v[_KEY]}",
                "account_id": v[_ACCOUNT],
                "after_json": f'{{"due": "{v[_DUE].isoformat()}", "kind": "{v[_KIND]}", '
                f'"on": "{on}", "specialist_ids": {v[_PEOPLE]}}}',
            }
            for v in fresh
        ],
    )
    count_today = (
        sa.select(sa.func.count()).select_from(Reminder).where(col(Reminder.on_date) == as_of)
    )
    return conn.execute(count_today).scalar_one() - len(existing)


TABLE: sa.Table = Reminder.__table__  # type: ignore[attr-defined]
_INSERT_SQL: dict[str, str] = {}  # by dialect name


def _binder(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """Bind a value as SQLAlchemy would for ``column`` (SQLite: dates as ISO text)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


def _insert_sql(dialect: sa.Dialect) -> str:
    """INSERT … ON CONFLICT (key) DO NOTHING, in the driver's own parameter style."""
    if dialect.name not in _INSERT_SQL:
        quote = dialect.identifier_preparer.quote
        names = (*COLUMNS, *_CONSTANT)
        mark = "?" if dialect.paramstyle in ("qmark", "numeric") else "%s"
        _INSERT_SQL[dialect.name] = (
            f"INSERT INTO {quote(TABLE.name)} ({', '.join(quote(c) for c in names)}) "
            f"VALUES ({', '.join([mark] * len(names))}) ON CONFLICT (key) DO NOTHING"
        )
    return _INSERT_SQL[dialect.name]
