"""The status of every step as of a date: what is due, done, late, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
        return asdict(self)


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
    query = (
        select(Step, Cycle, Account, Organ)
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .order_by(
            col(Organ.name), col(Account.id), col(Cycle.occurred_on), col(Cycle.id), col(Step.id)
        )
    )
    if account_id is not None:
        query = query.where(Step.account_id == account_id)
    if organ_id is not None:
        query = query.where(Account.organ_id == organ_id)
    if open_only:
        query = query.where(col(Step.done_on).is_(None))
    if clauses is not None:
        # Rendered as literals, so SQLite can use the partial index of the IT queue.
        query = query.where(
            col(Step.clause).in_(sa.bindparam("clauses", list(clauses), literal_execute=True))
        )
    if started_only:
        query = query.where(col(Step.due).is_not(None))
    if most_urgent_first:
        query = query.order_by(None).order_by(col(Step.due), col(Step.account_id), col(Step.id))
    if limit is not None:
        query = query.limit(limit)
    views = []
    for step, cycle, account, organ in session.exec(query):
        status = evaluate(calendar, due=step.due, done_on=step.done_on, as_of=as_of)
        if status.state is StepState.WAITING:
            explanation = WAITING_WORDS.get(step.clause, "")
        else:
            explanation = step.explanation or ""
        assert step.id is not None and account.id is not None and organ.id is not None
        views.append(
            StepView(
                step_id=step.id,
                account_id=account.id,
                organ_id=organ.id,
                organ=organ.name,
                network=NETWORKS[account.network].russian,
                url=account.url,
                cycle=f"{cycle.kind} {cycle.occurred_on.isoformat()}",
                clause=step.clause,
                duty=CLAUSES[step.clause].duty,
                counted_from=step.counted_from.isoformat() if step.counted_from else None,
                due=step.due.isoformat() if step.due else None,
                done=step.done_on.isoformat() if step.done_on else None,
                state=status.state.value,
                state_ru=RUSSIAN_STATE[status.state],
                late_working_days=status.late_working_days,
                provisional=step.provisional,
                explanation=explanation,
                calendar_version=step.calendar_version,
            )
        )
    return views


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
