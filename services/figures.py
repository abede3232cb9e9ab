"""The deputy head's figures, counted in SQL and computed once per state of the records.

A compliance report depends on the steps, the reminders' outcomes, the day it
is judged on and the calendar. Every change to the first two appends to the
audit chain, so (quarter, day, calendar version, last audit entry) names one
report exactly; a page that asks again gets the one already computed.

``sql_report`` gives what services.compliance.compliance_report gives for the
whole city, with the steps counted by the database instead of judged one by one
in Python over four quarters (20-30 s at 100,000 accounts). The states are
domain.lifecycle.evaluate's (done on or before the due date, after it, open past
it, open up to it); the working days late depend on (due, done) only, so each
distinct pair is judged once, by evaluate itself. tests/web/test_figures_sql.py
holds the two equal on a generated city, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES, FINDING_CLAUSES, IT_DEPARTMENT, Party
from domain.lifecycle import evaluate
from domain.quarter import Quarter
from models.tables import Account, AuditEntry, Comment, Organ, Reminder, Step
from services.compliance import (
    Report,
    Tally,
    add_totals_and_trend,
    case_of,
    late_now_cases,
    lateness_key,
)
from services.moderation_time import moderation_by_organ
from services.standing_report import standing_by_organ

IT_CLAUSES = sorted(c for c, clause in CLAUSES.items() if clause.party is Party.IT)
PAIRS_A_STATEMENT = 4
WORST = 10  # as compliance_report: the longest late cases of the quarter
LATE_NOW = 30

_KEEP = 16
_cache: OrderedDict[tuple[object, ...], Figures] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class Figures:
    """One report, its plain-data form (made once), and the key that names it.

    A page that renders the figures may keep what it made under ``key``: the
    same key is the same report.
    """

    key: tuple[object, ...]
    report: Report
    data: dict[str, Any]


def quarter_figures(
    *, session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> Figures:
    """Return the quarter's compliance figures as of a day, from cache when nothing changed."""
    last = session.execute(sa.select(sa.func.max(AuditEntry.id))).scalar()
    # A sync stores comments without an audit entry: the queue's state is part of the key.
    comments = session.execute(
        sa.select(
            sa.func.max(Comment.id),
            sa.func.count().filter(col(Comment.state) == "flagged"),
            sa.func.count().filter(col(Comment.deleted_on_network_at).is_not(None)),
        )
    ).one()
    key = (
        str(session.connection().engine.url),
        str(quarter),
        as_of,
        calendar.version,
        last,
        *comments,
    )
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    report = sql_report(session=session, calendar=calendar, quarter=quarter, as_of=as_of)
    found = Figures(key, report, report.as_dict())
    with _lock:
        _cache[key] = found
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return found


def quarter_report(
    *, session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> Report:
    """Return the quarter's compliance report as of a day (see ``quarter_figures``)."""
    return quarter_figures(session=session, calendar=calendar, quarter=quarter, as_of=as_of).report


def _quarter_rows(quarter: Quarter) -> tuple[Any, Any]:
    """Who owes a step (the organ, or the IT department for its clauses), and "due in the quarter"."""
    owner = sa.case(
        (
            col(Step.clause).in_(sa.bindparam("it_clauses", IT_CLAUSES, literal_execute=True)),
            sa.literal(IT_DEPARTMENT, literal_execute=True),
        ),
        else_=col(Organ.name),
    )
    in_quarter = sa.and_(
        col(Step.due) >= quarter.first_day,
        col(Step.due) <= quarter.last_day,
        # Findings of the standing rules are told, not due: compliance_report leaves them out.
        col(Step.clause).not_in(
            sa.bindparam("findings", sorted(FINDING_CLAUSES), literal_execute=True)
        ),
    )
    return owner, in_quarter


def _joined(query: Any) -> Any:
    return query.join(Account, col(Account.id) == col(Step.account_id)).join(
        Organ, col(Organ.id) == col(Account.organ_id)
    )


def _tallies(
    session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> dict[str, dict[str, Tally]]:
    """Count the quarter's steps per owner and clause, the organs by name, the IT department last."""
    return dict(iter_tallies(session=session, calendar=calendar, quarter=quarter, as_of=as_of))


def owner_order(owner: Any, dialect: str, *, it_last: bool) -> list[Any]:
    """Order owners as Python sorts their names (code points), the IT department last if asked.

    The report lists the IT department after the organs; JSON sorts every key.
    """
    by_name = sa.collate(owner, "C") if dialect == "postgresql" else owner
    return [sa.case((owner == IT_DEPARTMENT, 1), else_=0), by_name] if it_last else [by_name]


def iter_tallies(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    organ_id: int | None = None,
    it_last: bool = True,
    batch: int = 2000,
) -> Iterator[tuple[str, dict[str, Tally]]]:
    """Yield each owner's tallies of the quarter by clause, as evaluate judges each step.

    The database counts per (owner, clause) and lists the late steps' distinct
    (owner, clause, due, done); both come ordered by owner (``owner_order``) and
    are merged as they are read, so one owner is held at a time. The working days
    late are judged once per distinct (due, done) pair: the calendar stays in Python.
    """
    owner, in_quarter = _quarter_rows(quarter)
    due, done, clause = col(Step.due), col(Step.done_on), col(Step.clause)
    scope = [col(Account.organ_id) == organ_id] if organ_id is not None else []
    sent = (
        sa.select(col(Reminder.step_id).label("step_id"), sa.func.count().label("n"))
        .join(Step, col(Step.id) == col(Reminder.step_id))
        .where(col(Reminder.state) == "sent", in_quarter)
        .group_by(col(Reminder.step_id))
        .subquery("sent")
    )

    def count(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    counts = _joined(
        sa.select(
            owner.label("owner"),
            clause,
            sa.func.count().label("due"),
            count(sa.and_(done.is_not(None), done <= due)).label("on_time"),
            count(sa.and_(done.is_not(None), done > due)).label("late"),
            count(sa.and_(done.is_(None), due < as_of)).label("overdue"),
            count(sa.and_(done.is_(None), due >= as_of)).label("pending"),
            sa.func.coalesce(sa.func.sum(sent.c.n), 0).label("reminders"),
        ).select_from(Step)
    )
    counts = counts.outerjoin(sent, sent.c.step_id == col(Step.id))
    counts = counts.where(in_quarter, *scope).group_by(sa.literal_column("owner"), clause)
    counted = counts.subquery("counted")
    late = _joined(
        sa.select(owner.label("owner"), clause, due, done, sa.func.count().label("n")).select_from(
            Step
        )
    )
    late = late.where(in_quarter, done.is_not(None), done > due, *scope)
    lates = late.group_by(sa.literal_column("owner"), clause, due, done).subquery("lates")
    connection = session.connection()
    dialect = connection.dialect.name
    counted_rows = connection.execute(
        sa.select(counted)
        .order_by(*owner_order(counted.c.owner, dialect, it_last=it_last), counted.c.clause)
        .execution_options(yield_per=batch)
    )
    late_rows = connection.execute(
        sa.select(lates)
        .order_by(*owner_order(lates.c.owner, dialect, it_last=it_last))
        .execution_options(yield_per=batch)
    )
    judged: dict[tuple[date, date], int] = {}

    def with_late_days(tallies: dict[str, Tally], lates: list[Any]) -> dict[str, Tally]:
        for row in lates:
            key = (row.due, row.done_on)
            if key not in judged:
                judged[key] = evaluate(
                    calendar, due=row.due, done_on=row.done_on, as_of=as_of
                ).late_working_days
            tallies[row.clause].late_days += judged[key] * int(row.n)
        return dict(sorted(tallies.items()))

    try:
        lates_of = _ByOwner(late_rows)
        tallies: dict[str, Tally] = {}
        current: str | None = None
        for row in counted_rows:
            if row.owner != current:
                if current is not None:
                    yield current, with_late_days(tallies, lates_of.take(current))
                current, tallies = row.owner, {}
            tallies[row.clause] = Tally(
                due=int(row.due),
                on_time=int(row.on_time),
                late=int(row.late),
                overdue=int(row.overdue),
                pending=int(row.pending),
                reminders=int(row.reminders),
            )
        if current is not None:
            yield current, with_late_days(tallies, lates_of.take(current))
    finally:
        counted_rows.close()
        late_rows.close()


class _ByOwner:
    """Rows ordered by owner, handed out one owner's run at a time (as the counts come)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = iter(rows)
        self._next: Any = next(self._rows, None)

    def take(self, owner: str) -> list[Any]:
        run = []
        while self._next is not None and self._next.owner == owner:
            run.append(self._next)
            self._next = next(self._rows, None)
        return run


def worst_cases(
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    limit: int,
    organ_id: int | None = None,
) -> list[dict[str, Any]]:
    """The quarter's ``limit`` longest late cases.

    Lateness depends on (due, done) alone: the database lists those pairs among
    the late steps with how many steps share each, evaluate judges each pair, and
    only the steps of the pairs that reach the ``limit``-th longest are read.
    """
    _, in_quarter = _quarter_rows(quarter)
    due, done = col(Step.due), col(Step.done_on)
    late = sa.or_(sa.and_(done.is_not(None), done > due), sa.and_(done.is_(None), due < as_of))
    pairs_query = sa.select(due, done, sa.func.count()).select_from(Step)
    scope: list[Any] = []
    if organ_id is not None:
        scope = [col(Account.organ_id) == organ_id]
        pairs_query = pairs_query.join(Account, col(Account.id) == col(Step.account_id))
    pairs = session.connection().execute(
        pairs_query.where(in_quarter, late, *scope).group_by(due, done)
    )
    judged = sorted(
        (
            (evaluate(calendar, due=d, done_on=x, as_of=as_of).late_working_days, d, x, int(n))
            for d, x, n in pairs
        ),
        key=lambda p: -p[0],
    )
    seen, threshold = 0, 1
    for lateness, _, _, n in judged:
        seen += n
        threshold = lateness
        if seen >= limit:
            break
    # Pairs of equal lateness together: within a statement the steps are ordered by owner,
    # so a statement's pairs must not differ in lateness.
    chosen: list[list[tuple[Any, Any]]] = []
    for _, group in groupby((p for p in judged if p[0] >= threshold), key=lambda p: p[0]):
        equal = [(d, x) for _, d, x, _ in group]
        chosen += [
            equal[i : i + PAIRS_A_STATEMENT] for i in range(0, len(equal), PAIRS_A_STATEMENT)
        ]
    owner, _ = _quarter_rows(quarter)
    connection = session.connection()
    dialect = connection.dialect.name
    cases: list[dict[str, Any]] = []
    # A few (due, done) pairs a statement, the first ``limit`` steps of each in the report's
    # order: the parameters stay a handful and the rows read at most ``limit`` a statement,
    # however many steps share the threshold's lateness.
    for some in chosen:
        match = sa.or_(
            *(sa.and_(due == d, done.is_(None) if x is None else done == x) for d, x in some)
        )
        rows = connection.execute(
            _joined(
                sa.select(
                    col(Step.id),
                    col(Step.clause),
                    due,
                    done,
                    col(Account.id).label("account_id"),
                    col(Account.network),
                    col(Account.url),
                    col(Organ.name).label("organ"),
                )
            )
            .where(in_quarter, late, match, *scope)
            .order_by(
                *owner_order(owner, dialect, it_last=False),
                *owner_order(col(Organ.name), dialect, it_last=False),
                col(Account.id),
                col(Step.clause),
            )
            .limit(limit)
        ).all()
        sent = dict(
            connection.execute(
                sa.select(col(Reminder.step_id), sa.func.count())
                .where(
                    col(Reminder.state) == "sent", col(Reminder.step_id).in_([r.id for r in rows])
                )
                .group_by(col(Reminder.step_id))
            ).all()
        )
        cases += [
            case_of(
                row,
                evaluate(calendar, due=row.due, done_on=row.done_on, as_of=as_of),
                sent.get(row.id, 0),
            )
            for row in rows
        ]
    return sorted(cases, key=lateness_key)[:limit]


def sql_report(
    *, session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> Report:
    """compliance_report for the whole city, counted in SQL (see the module's docstring)."""
    organs = _tallies(session, calendar, quarter, as_of)
    report = Report(quarter=str(quarter), as_of=as_of.isoformat(), organs=organs)
    report.worst = worst_cases(session, calendar, quarter, as_of, WORST)
    report.late_now, report.late_now_total = late_now_cases(
        session, calendar, as_of, None, LATE_NOW
    )
    report.standing = standing_by_organ(session=session, quarter=quarter, organ_id=None)
    report.moderation = moderation_by_organ(
        session=session, calendar=calendar, quarter=quarter, as_of=as_of
    )
    add_totals_and_trend(
        report, quarter=quarter, tallies_of=lambda q: _tallies(session, calendar, q, as_of)
    )
    return report
