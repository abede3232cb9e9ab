"""The status of every step as of a date: what is due, done, late, and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES
from domain.lifecycle import RUSSIAN_STATE, StepState, evaluate
from domain.networks import NETWORKS
from models.tables import Account, Cycle, Organ, Step

WAITING_WORDS = {
    "3.4": "Срок п. 3.4 начнётся со дня поступления уведомления (п. 3.1, 3.2) в отдел информатизации.",
    "3.5": "Срок п. 3.5 определится кварталом, в котором сведения будут внесены в Реестр (п. 3.4).",
}


@dataclass(frozen=True)
class StepView:
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
        return dict(self.__dict__)  # flat fields: a copy, without asdict's deep recursion


def _step_query(
    *, account_id: int | None, organ_id: int | None, open_only: bool
) -> sa.Select[*tuple[Any, ...]]:
    """Select the columns a view needs, not four ORM objects a row."""
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Step.id),
            col(Step.clause),
            col(Step.counted_from),
            col(Step.due),
            col(Step.done_on),
            col(Step.provisional),
            col(Step.explanation),
            col(Step.calendar_version),
            col(Cycle.kind),
            col(Cycle.occurred_on),
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


def _view(row: Any, *, calendar: WorkingCalendar, as_of: date) -> StepView:
    status = evaluate(calendar, due=row.due, done_on=row.done_on, as_of=as_of)
    if status.state is StepState.WAITING:
        explanation = WAITING_WORDS.get(row.clause, "")
    else:
        explanation = row.explanation or ""
    return StepView(
        step_id=row.id,
        account_id=row.account_id,
        organ_id=row.organ_id,
        organ=row.organ,
        network=NETWORKS[row.network].russian,
        url=row.url,
        cycle=f"{row.kind} {row.occurred_on.isoformat()}",
        clause=row.clause,
        duty=CLAUSES[row.clause].duty,
        counted_from=row.counted_from.isoformat() if row.counted_from else None,
        due=row.due.isoformat() if row.due else None,
        done=row.done_on.isoformat() if row.done_on else None,
        state=status.state.value,
        state_ru=RUSSIAN_STATE[status.state],
        late_working_days=status.late_working_days,
        provisional=row.provisional,
        explanation=explanation,
        calendar_version=row.calendar_version,
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
    time (a server-side cursor on PostgreSQL) and never held all at once.
    """
    query = _step_query(account_id=account_id, organ_id=organ_id, open_only=open_only)
    for row in session.execute(query.execution_options(yield_per=batch)):
        yield _view(row, calendar=calendar, as_of=as_of)


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
    return [_view(row, calendar=calendar, as_of=as_of) for row in session.execute(query)]


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
    return [_view(row, calendar=calendar, as_of=as_of) for row in session.execute(query)]


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
