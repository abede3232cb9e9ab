"""The quarterly confirmation of an account's protection (п. 1.6), as a step of its own.

The networks cannot say whether two-factor authentication is on, so srok asks:
each quarter every active account gets a step (clause 1.6, owed by its
specialists, due ``SROK_PROTECTION_DAYS`` working days from the quarter's start,
10 by default: srok's policy, not a term of the procedure). It gets the
reminders of any other step and is closed by the specialist's confirmation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.checks import not_before, not_in_future
from domain.clauses import PROTECTION
from domain.dates import ru
from domain.deadlines import Deadline
from domain.errors import NotFound, RuleViolation
from domain.quarter import Quarter
from domain.standing import (
    ProtectionAnswer,
    check_protection,
    protection_deadline,
    protection_term_setting,
)
from models.tables import Account, Cycle, ProtectionConfirmation, StandingStep, Step, utcnow
from services.audit import append_many
from services.steps import close_step, record_event

CLAUSE = PROTECTION.number
CYCLE_KIND = "protection"


def protection_days(env: Mapping[str, str] | None = None) -> int:
    """Read the term from SROK_PROTECTION_DAYS (working days from the quarter's start)."""
    env = os.environ if env is None else env
    return protection_term_setting(env.get("SROK_PROTECTION_DAYS"))


def open_protection_steps(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    working_days: int,
    account_id: int | None = None,
) -> int:
    """Open the quarter's п. 1.6 step for every active account that has none; count them.

    Idempotent: a step per account and quarter is unique (``standing_step``), so
    a second sweep the same quarter opens nothing.
    """
    quarter = Quarter.of(as_of)
    period = str(quarter)
    have = sa.select(col(StandingStep.account_id)).where(
        col(StandingStep.clause) == CLAUSE, col(StandingStep.period) == period
    )
    query = sa.select(col(Account.id), col(Account.created_on)).where(
        col(Account.active), col(Account.created_on) <= as_of, col(Account.id).not_in(have)
    )
    if account_id is not None:
        query = query.where(col(Account.id) == account_id)
    missing = session.execute(query).all()
    if not missing:
        return 0
    terms: dict[date, Deadline] = {}  # most accounts share the quarter's first day
    now = utcnow()
    cycles, plans = [], []
    for acc_id, created_on in missing:
        since = max(quarter.first_day, created_on)
        if since not in terms:
            terms[since] = protection_deadline(
                calendar, quarter=quarter, working_days=working_days, created_on=created_on
            )
        cycles.append(
            {
                "account_id": acc_id,
                "kind": CYCLE_KIND,
                "occurred_on": since,
                "summary": f"подтверждение защиты аккаунта за {quarter.russian()}",
                "created_at": now,
            }
        )
        plans.append((acc_id, since, terms[since]))
    # In bulk: a city's first sweep of a quarter opens a step for every account.
    cycle_ids = session.scalars(
        sa.insert(Cycle).returning(col(Cycle.id), sort_by_parameter_order=True), cycles
    ).all()
    step_ids = session.scalars(
        sa.insert(Step).returning(col(Step.id), sort_by_parameter_order=True),
        [
            {
                "cycle_id": cycle_id,
                "account_id": acc_id,
                "clause": CLAUSE,
                "counted_from": since,
                "due": term.due,
                "provisional": term.provisional,
                "explanation": term.explanation,
                "calendar_version": calendar.version,
                "created_at": now,
                "updated_at": now,
            }
            for cycle_id, (acc_id, since, term) in zip(cycle_ids, plans, strict=True)
        ],
    ).all()
    session.execute(
        sa.insert(StandingStep),
        [
            {"account_id": acc_id, "clause": CLAUSE, "period": period, "step_id": step_id}
            for step_id, (acc_id, _, _) in zip(step_ids, plans, strict=True)
        ],
    )
    append_many(
        session,
        [
            {
                "action": "step.opened",
                "entity": f"step:{step_id}",
                "clause": CLAUSE,
                "account_id": acc_id,
                "calendar_version": calendar.version,
                "after": {"cycle": CYCLE_KIND, "quarter": period, "due": term.due},
            }
            for step_id, (acc_id, _, term) in zip(step_ids, plans, strict=True)
        ],
    )
    return len(missing)


def confirm_protection(
    *,
    session: Session,
    calendar: WorkingCalendar,
    account_id: int,
    answer: ProtectionAnswer,
    on: date,
    quarter: Quarter | None,
    working_days: int,
    actor: str,
    today: date,
) -> ProtectionConfirmation:
    """Record a specialist's confirmation for a quarter and close its step (п. 1.6)."""
    account = session.get(Account, account_id)
    if account is None or not account.active:
        raise NotFound("--account", f"нет действующего аккаунта с id {account_id}", CLAUSE)
    check_protection(answer)
    not_in_future("--on", on, today=today, clause=CLAUSE)
    chosen = quarter or Quarter.of(on)
    not_before(
        "--on", on, earliest=chosen.first_day, what=f"начался {chosen.russian()}", clause=CLAUSE
    )
    if Quarter.of(on) != chosen and on > chosen.last_day and chosen.next() != Quarter.of(on):
        raise RuleViolation(
            "--quarter",
            f"подтверждение за {chosen.russian()} запоздало больше чем на квартал",
            CLAUSE,
        )
    same = session.exec(
        select(ProtectionConfirmation).where(
            ProtectionConfirmation.account_id == account_id,
            ProtectionConfirmation.quarter == str(chosen),
        )
    ).first()
    if same is not None:
        raise RuleViolation(
            "--quarter",
            f"защита аккаунта {account_id} за {chosen.russian()} уже подтверждена "
            f"{ru(same.confirmed_on)}",
            CLAUSE,
        )
    open_protection_steps(
        session=session,
        calendar=calendar,
        as_of=max(chosen.first_day, account.created_on),
        working_days=working_days,
        account_id=account_id,
    )
    step = session.exec(
        select(Step)
        .join(StandingStep, col(StandingStep.step_id) == col(Step.id))
        .where(
            StandingStep.account_id == account_id,
            StandingStep.clause == CLAUSE,
            StandingStep.period == str(chosen),
        )
    ).first()
    confirmation = ProtectionConfirmation(
        account_id=account_id,
        quarter=str(chosen),
        confirmed_on=on,
        two_factor=answer.two_factor,
        people_with_access=answer.people_with_access,
        credentials_kept=answer.credentials_kept.strip(),
        actor=actor,
    )
    session.add(confirmation)
    if step is not None and step.done_on is None:
        close_step(session, step, on=on, evidence=f"protection:{chosen}")
    # Where the credentials are kept stays in its table: the audit says that it was said.
    record_event(
        session,
        kind="protection_confirmed",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        clause=CLAUSE,
        quarter=str(chosen),
        two_factor=answer.two_factor,
        people_with_access=answer.people_with_access,
    )
    session.flush()
    return confirmation


def confirmed_accounts(session: Session, *, quarter: Quarter) -> set[int]:
    """Return the accounts whose protection is confirmed for a quarter."""
    return set(
        session.exec(
            select(ProtectionConfirmation.account_id).where(
                ProtectionConfirmation.quarter == str(quarter)
            )
        ).all()
    )
