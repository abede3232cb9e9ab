"""Findings of the weekly check (п. 2.1, 2.4) told to the specialists through the reminders.

A finding becomes a step of its own (clause 2.1 or 2.4, no cycle), unique per
account and *period* (``standing_step``): for п. 2.1 the ISO week, so a short
week is told once; for п. 2.4 a fingerprint of what is missing, so the same
description finding is told once and a changed one again. The step is due on
the first working day after the week checked; the sweep queues one reminder
(``domain.reminders.finding_reminder``) and closes the step in the same
transaction: a finding is told, not chased, and a second sweep tells nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.clauses import FINDING_CLAUSES
from domain.dates import ru
from domain.posting import IsoWeek
from models.tables import Account, RuleCheck, StandingStep, Step, utcnow
from services.audit import append_many

FIELD_WORDS = {
    "name": "официальное наименование",
    "address": "почтовый адрес",
    "email": "адрес электронной почты",
    "phone": "телефон для справок",
}


def period_of(rule: str, week: str, figures: dict[str, object]) -> str:
    """Name what makes a finding new: the week (п. 2.1), or what is missing (п. 2.4)."""
    if rule == "2.1":
        return week
    missing = sorted(str(m) for m in figures.get("missing") or [])  # type: ignore[attr-defined]
    return "missing:" + hashlib.sha256(json.dumps(missing).encode()).hexdigest()[:32]


def explain(rule: str, week: IsoWeek, figures: dict[str, object]) -> str:
    """Say the finding in Russian, with its figures; no specialist's contact."""
    days = f"{ru(week.monday)}–{ru(week.sunday)}"
    if rule == "2.1":
        return (
            f"За неделю {days} ({week}) в аккаунте {figures.get('posts')} публикаций "
            f"из {figures.get('required')} обязательных (п. 2.1). Сообщается один раз, "
            "в первый рабочий день следующей недели."
        )
    missing = ", ".join(FIELD_WORDS.get(str(m), str(m)) for m in figures.get("missing") or [])  # type: ignore[attr-defined]
    return (
        f"Проверка описания аккаунта за неделю {days}: в описании нет или не совпадает с "
        f"данными органа: {missing} (п. 2.4). Сообщается один раз и снова — только если "
        "замечание изменится."
    )


def open_finding_steps(*, session: Session, calendar: WorkingCalendar) -> int:
    """Open a step for every stored finding that has none yet; count them.

    Idempotent (``standing_step`` is unique per account, clause and period), so
    the daily sweep may call it every day; unchecked accounts are no finding.
    """
    rows = session.execute(
        sa.select(
            col(RuleCheck.account_id),
            col(RuleCheck.rule),
            col(RuleCheck.week),
            col(RuleCheck.figures),
        )
        .join(Account, col(Account.id) == col(RuleCheck.account_id))
        .where(
            col(RuleCheck.rule).in_(FINDING_CLAUSES),
            col(RuleCheck.checked),
            col(RuleCheck.ok).is_(False),
            col(Account.active),
        )
        .order_by(col(RuleCheck.week), col(RuleCheck.id))
    ).all()
    if not rows:
        return 0
    have = {
        (a, c, p)
        for a, c, p in session.execute(
            sa.select(
                col(StandingStep.account_id), col(StandingStep.clause), col(StandingStep.period)
            ).where(col(StandingStep.clause).in_(FINDING_CLAUSES))
        )
    }
    audit = []
    for account_id, rule, week_text, figures_text in rows:
        figures = json.loads(figures_text or "{}")
        period = period_of(rule, week_text, figures)
        if (account_id, rule, period) in have:
            continue
        have.add((account_id, rule, period))
        week = IsoWeek.parse(week_text)
        due = calendar.add_working_days(week.sunday, 1)
        step = Step(
            account_id=account_id,
            clause=rule,
            counted_from=week.sunday,
            due=due,
            explanation=explain(rule, week, figures),
            calendar_version=calendar.version,
        )
        session.add(step)
        session.flush()
        assert step.id is not None
        session.add(
            StandingStep(account_id=account_id, clause=rule, period=period, step_id=step.id)
        )
        audit.append(
            {
                "action": "finding.opened",
                "entity": f"step:{step.id}",
                "clause": rule,
                "account_id": account_id,
                "after": {"week": week_text, "period": period, "due": due, **figures},
            }
        )
    session.flush()
    append_many(session, audit)
    return len(audit)


def close_told_findings(
    session: Session, told: Sequence[tuple[int, int | None, str]], as_of: date
) -> None:
    """Close the finding steps whose one reminder was just queued (step id, account, clause)."""
    if not told:
        return
    ids = [step_id for step_id, _, _ in told]
    for i in range(0, len(ids), 500):
        session.execute(
            sa.update(Step)
            .where(col(Step.id).in_(ids[i : i + 500]), col(Step.done_on).is_(None))
            .values(done_on=as_of, evidence="сообщено специалистам", updated_at=utcnow())
        )
    append_many(
        session,
        [
            {
                "action": "finding.told",
                "entity": f"step:{step_id}",
                "clause": clause,
                "account_id": account_id,
                "after": {"done_on": as_of},
            }
            for step_id, account_id, clause in told
        ],
    )
