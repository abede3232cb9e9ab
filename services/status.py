"""The status of every step as of a date: what is due, done, late, and why."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES
from domain.lifecycle import RUSSIAN_STATE, StepState, StepStatus, evaluate
from domain.networks import NETWORKS
from models.tables import Account, Cycle, Organ, Step

WAITING_WORDS = {
    "3.4": "Срок п. 3.4 начнётся со дня поступления уведомления (п. 3.1, 3.2) в отдел информатизации.",
    "3.5": "Срок п. 3.5 определится кварталом, в котором сведения будут внесены в Реестр (п. 3.4).",
}


class StepView(NamedTuple):
    """One step judged on a day: a tuple, so a city of them is cheap to make and to stream."""

    step_id: int
    account_id: int
    organ_id: int
    organ: str
    network: str
    url: str
    cycle: str
    clause: str
    duty: str
    counted_from: str | None
    due: str | None
    done: str | None
    state: str
    state_ru: str
    late_working_days: int
    provisional: bool
    explanation: str
    calendar_version: str | None

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


def _step_query(
    *, account_id: int | None, organ_id: int | None, open_only: bool
) -> sa.Select[*tuple[Any, ...]]:
    """Select the columns a view needs, not four ORM objects a row.

    Dates come as ISO text (SQLite stores them so; PostgreSQL's `to_char`): a view
    prints them so, and parsing 400,000 rows of dates only to print them again
    was a third of `srok status --json`. The order is ``_view``'s unpacking.
    """
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Step.id),
            col(Step.clause),
            _iso(Step.counted_from),
            _iso(Step.due),
            _iso(Step.done_on),
            col(Step.provisional),
            col(Step.explanation),
            col(Step.calendar_version),
            col(Cycle.kind),
            _iso(Cycle.occurred_on),
            col(Account.id).label("account_id"),
            col(Account.network),
            col(Account.url),
            col(Organ.id).label("organ_id"),
            col(Organ.name).label("organ"),
        )
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .order_by(
            col(Organ.name), col(Account.id), col(Cycle.occurred_on), col(Cycle.id), col(Step.id)
        )
    )
    if account_id is not None:
        query = query.where(col(Step.account_id) == account_id)
    if organ_id is not None:
        query = query.where(col(Account.organ_id) == organ_id)
    if open_only:
        query = query.where(col(Step.done_on).is_(None))
    return query


class _IsoDate(FunctionElement[str]):
    """A date column as ``YYYY-MM-DD`` text, whatever the server's DateStyle."""

    type = sa.String()
    inherit_cache = True


@compiles(_IsoDate)
def _iso_date_text(element: _IsoDate, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS VARCHAR)"  # SQLite keeps ISO text


@compiles(_IsoDate, "postgresql")
def _iso_date_pg(element: _IsoDate, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


def _iso(column: Any) -> Any:
    return _IsoDate(col(column)).label(column.key)


Judge = Callable[[str | None, str | None], StepStatus]


def _judge(calendar: WorkingCalendar, as_of: date) -> Judge:
    """``evaluate`` on one day, remembered: a city has many steps but few distinct dates."""
    known: dict[tuple[str | None, str | None], StepStatus] = {}

    def judge(due: str | None, done_on: str | None) -> StepStatus:
        key = (due, done_on)
        status = known.get(key)
        if status is None:
            if len(known) > 50_000:  # dates are few; this only bounds a pathological city
                known.clear()
            status = known[key] = evaluate(
                calendar,
                due=date.fromisoformat(due) if due else None,
                done_on=date.fromisoformat(done_on) if done_on else None,
                as_of=as_of,
            )
        return status

    return judge


def _view(row: Any, *, judge: Judge) -> StepView:
    (
        step_id,
        clause,
        counted_from,
        due,
        done_on,
        provisional,
        explanation,
        calendar_version,
        kind,
        occurred_on,
        account_id,
        network,
        url,
        organ_id,
        organ,
    ) = row
    status = judge(due, done_on)
    state = status.state
    if state is StepState.WAITING:
        explanation = WAITING_WORDS.get(clause, "")
    return StepView(
        step_id,
        account_id,
        organ_id,
        organ,
        NETWORKS[network].russian,
        url,
        f"{kind} {occurred_on}",
        clause,
        CLAUSES[clause].duty,
        counted_from,
        due,
        done_on,
        state.value,
        RUSSIAN_STATE[state],
        status.late_working_days,
        provisional,
        explanation or "",
        calendar_version,
    )


def iter_step_views(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    account_id: int | None = None,
    organ_id: int | None = None,
    open_only: bool = False,
    batch: int = 2000,
) -> Iterator[StepView]:
    """Judge steps as of ``as_of`` one at a time, reading the database in batches.

    Memory stays flat however large the city: rows are fetched ``batch`` at a
    time (a server-side cursor on PostgreSQL) and never held all at once. The
    query runs on the session's connection, without the ORM's per-row loading.
    """
    query = _step_query(account_id=account_id, organ_id=organ_id, open_only=open_only)
    judge = _judge(calendar, as_of)
    result = session.connection().execute(query.execution_options(yield_per=batch))
    try:
        for row in result:
            yield _view(row, judge=judge)
    finally:
        result.close()


def step_views(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    account_id: int | None = None,
    organ_id: int | None = None,
    open_only: bool = False,
    clauses: tuple[str, ...] | None = None,
    started_only: bool = False,
    most_urgent_first: bool = False,
    limit: int | None = None,
) -> list[StepView]:
    """Judge every step (or an account's, or an organ's) as of ``as_of``."""
    query = _step_query(account_id=account_id, organ_id=organ_id, open_only=open_only)
    if clauses is not None:
        # Rendered as literals, so SQLite can use the partial index of the IT queue; one
        # clause as "= '3.4'": SQLite does not match "IN ('3.4')" to the index's WHERE
        # (at 100,000 accounts the queue read 194 ms through ix_step_due, 26 ms so).
        column = col(Step.clause)
        query = query.where(
            column == sa.literal(clauses[0], literal_execute=True)
            if len(clauses) == 1
            else column.in_(sa.bindparam("clauses", list(clauses), literal_execute=True))
        )
    if started_only:
        query = query.where(col(Step.due).is_not(None))
    if most_urgent_first:
        query = query.order_by(None).order_by(col(Step.due), col(Step.account_id), col(Step.id))
    if limit is not None:
        query = query.limit(limit)
    judge = _judge(calendar, as_of)
    return [_view(row, judge=judge) for row in session.execute(query)]


@dataclass(frozen=True)
class OrganSummary:
    """How many steps of an organ's accounts are in each state on a day."""

    organ_id: int
    organ: str
    accounts: int
    overdue: int
    pending: int
    waiting: int
    done: int
    done_late: int


def status_summary(
    *, session: Session, as_of: date, organ_id: int | None = None
) -> list[OrganSummary]:
    """Count steps per organ and state in SQL: a whole city answers in one query.

    As ``domain.lifecycle.evaluate`` judges: a step without a due date waits; one
    done on or before its due date is done on time; one still open is overdue
    after its due date and pending up to it.
    """
    due, done = col(Step.due), col(Step.done_on)

    def count(condition: Any) -> Any:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    query = (
        sa.select(
            col(Organ.id),
            col(Organ.name),
            sa.func.count(sa.distinct(col(Account.id))).label("accounts"),
            count(sa.and_(done.is_(None), due < as_of)).label("overdue"),
            count(sa.and_(done.is_(None), due >= as_of)).label("pending"),
            count(due.is_(None)).label("waiting"),
            count(sa.and_(done.is_not(None), done <= due)).label("done"),
            count(sa.and_(done.is_not(None), done > due)).label("done_late"),
        )
        .select_from(Organ)
        .join(Account, col(Account.organ_id) == col(Organ.id))
        .join(Step, col(Step.account_id) == col(Account.id))
        .group_by(col(Organ.id), col(Organ.name))
        .order_by(sa.desc("overdue"), col(Organ.name))
    )
    if organ_id is not None:
        query = query.where(col(Organ.id) == organ_id)
    return [
        OrganSummary(
            organ_id=r[0],
            organ=r[1],
            accounts=int(r.accounts),
            overdue=int(r.overdue or 0),
            pending=int(r.pending or 0),
            waiting=int(r.waiting or 0),
            done=int(r.done or 0),
            done_late=int(r.done_late or 0),
        )
        for r in session.execute(query)
    ]


def most_overdue(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    organ_id: int | None = None,
    limit: int = 20,
) -> list[StepView]:
    """Return the open steps past their due date on ``as_of``, the longest overdue first."""
    query = (
        _step_query(account_id=None, organ_id=organ_id, open_only=True)
        .where(col(Step.due) < as_of)
        .order_by(None)
        .order_by(col(Step.due), col(Account.id), col(Step.id))
        .limit(limit)
    )
    judge = _judge(calendar, as_of)
    return [_view(row, judge=judge) for row in session.execute(query)]


def registry_queue(
    *, session: Session, calendar: WorkingCalendar, as_of: date, limit: int | None = None
) -> list[StepView]:
    """The IT department's queue: notices received and not yet entered (п. 3.4), most urgent first."""
    return step_views(
        session=session,
        calendar=calendar,
        as_of=as_of,
        open_only=True,
        clauses=("3.4",),
        started_only=True,
        most_urgent_first=True,
        limit=limit,
    )


def registry_queue_size(session: Session) -> int:
    """How many received notices wait to be entered (п. 3.4)."""
    from sqlmodel import func

    query = (
        select(func.count())
        .select_from(Step)
        .where(
            col(Step.clause) == sa.literal("3.4", literal_execute=True),
            col(Step.done_on).is_(None),
            col(Step.due).is_not(None),
        )
    )
    return int(session.exec(query).one())


@dataclass(frozen=True)
class AccountSummary:
    account_id: int
    organ_id: int
    organ: str
    network: str
    url: str
    open_steps: int
    overdue: int
    next_due: str | None


def account_summaries(
    *, session: Session, calendar: WorkingCalendar, as_of: date, organ_id: int | None
) -> list[AccountSummary]:
    """One line per active account (of an organ): its open steps, overdue ones, the nearest due."""
    accounts = session.exec(
        select(Account, Organ)
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(col(Account.active), *([Account.organ_id == organ_id] if organ_id else []))
        .order_by(col(Organ.name), col(Account.id))
    ).all()
    open_views: dict[int, list[StepView]] = {}
    for view in step_views(
        session=session, calendar=calendar, as_of=as_of, organ_id=organ_id, open_only=True
    ):
        open_views.setdefault(view.account_id, []).append(view)
    out = []
    for account, organ in accounts:
        assert account.id is not None and organ.id is not None
        views = open_views.get(account.id, [])
        dues = sorted(v.due for v in views if v.due)
        out.append(
            AccountSummary(
                account_id=account.id,
                organ_id=organ.id,
                organ=organ.name,
                network=NETWORKS[account.network].russian,
                url=account.url,
                open_steps=len(views),
                overdue=sum(v.state == "overdue" for v in views),
                next_due=dues[0] if dues else None,
            )
        )
    return out
