"""The findings of the standing rules, as the findings page and its /api/v1 twin show them.

Five lists, for the whole city (the IT department) or one organ (its
specialists): п. 2.1 weeks short of 8 publications over the last thirteen weeks
checked; п. 2.4 accounts whose latest checked description lacks something;
п. 1.6 accounts whose protection is not confirmed for the current quarter;
п. 3.1 accounts the organs' pages link to that srok was never told of (open,
and not registered since); п. 1.2 required accounts still missing. Read only:
a GET changes nothing, so an unnotified account registered since the last look
is left out here and closed by the next look (services.unnotified).
Each list is cut at ``limit`` rows; its ``total`` says how many there are.
No specialist's name or contact is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline
from domain.networks import NETWORKS
from domain.posting import IsoWeek
from domain.quarter import Quarter
from domain.standing import protection_deadline
from models.tables import Account, Organ, ProtectionConfirmation, RuleCheck, UnnotifiedAccount
from services.findings import FIELD_WORDS
from services.required import list_required

WEEKS_SHOWN = 13  # a quarter of weeks


@dataclass
class Section:
    """One list of findings: the rows shown and how many there are in all."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "rows": self.rows}


@dataclass
class StandingFindings:
    today: date
    quarter: Quarter
    since_week: IsoWeek
    organ_id: int | None
    short_weeks: Section
    descriptions: Section
    unprotected: Section
    unnotified: Section
    required: Section

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections().values())

    def sections(self) -> dict[str, Section]:
        return {
            "2.1": self.short_weeks,
            "2.4": self.descriptions,
            "1.6": self.unprotected,
            "3.1": self.unnotified,
            "1.2": self.required,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "quarter": str(self.quarter),
            "since_week": str(self.since_week),
            "organ_id": self.organ_id,
            "findings": {rule: s.as_dict() for rule, s in self.sections().items()},
        }


def _network(code: str) -> str:
    return NETWORKS[code].russian if code in NETWORKS else code


def _account(account_id: int, organ: str, network: str, url: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "organ": organ,
        "network": network,
        "network_name": _network(network),
        "url": url,
    }


def _accounts(organ_id: int | None) -> list[Any]:
    where: list[Any] = [col(Account.active)]
    if organ_id is not None:
        where.append(col(Account.organ_id) == organ_id)
    return where


def _cut(session: Session, query: sa.Select[*tuple[Any, ...]], limit: int) -> tuple[list[Any], int]:
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    return list(session.execute(query.limit(limit)).all()), int(total)


def _checks_query(rule: str, organ_id: int | None) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(
            col(RuleCheck.account_id),
            col(RuleCheck.week),
            col(RuleCheck.figures),
            col(Organ.name),
            col(Account.network),
            col(Account.url),
        )
        .join(Account, col(Account.id) == col(RuleCheck.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(
            col(RuleCheck.rule) == rule,
            col(RuleCheck.checked),
            col(RuleCheck.ok).is_(False),
            *_accounts(organ_id),
        )
    )


def short_weeks(session: Session, *, since: IsoWeek, organ_id: int | None, limit: int) -> Section:
    """П. 2.1: the account-weeks short of 8 publications since ``since``, the latest first."""
    query = _checks_query("2.1", organ_id).where(col(RuleCheck.week) >= str(since))
    rows, total = _cut(
        session, query.order_by(col(RuleCheck.week).desc(), col(RuleCheck.account_id)), limit
    )
    shown = []
    for account_id, week_text, figures_text, organ, network, url in rows:
        figures = json.loads(figures_text or "{}")
        week = IsoWeek.parse(week_text)
        shown.append(
            {
                **_account(account_id, organ, network, url),
                "week": week_text,
                "monday": week.monday.isoformat(),
                "sunday": week.sunday.isoformat(),
                "posts": figures.get("posts"),
                "required": figures.get("required"),
            }
        )
    return Section(shown, total)


def incomplete_descriptions(session: Session, *, organ_id: int | None, limit: int) -> Section:
    """П. 2.4: the accounts whose latest checked description lacks a field, by account."""
    latest = (
        sa.select(col(RuleCheck.account_id), sa.func.max(col(RuleCheck.week)).label("week"))
        .where(col(RuleCheck.rule) == "2.4", col(RuleCheck.checked))
        .group_by(col(RuleCheck.account_id))
        .subquery()
    )
    query = _checks_query("2.4", organ_id).join(
        latest,
        sa.and_(
            latest.c.account_id == col(RuleCheck.account_id), latest.c.week == col(RuleCheck.week)
        ),
    )
    rows, total = _cut(session, query.order_by(col(RuleCheck.account_id)), limit)
    shown = []
    for account_id, week_text, figures_text, organ, network, url in rows:
        figures = json.loads(figures_text or "{}")
        missing = [str(m) for m in figures.get("missing") or []]
        shown.append(
            {
                **_account(account_id, organ, network, url),
                "week": week_text,
                "missing": missing,
                "missing_words": [FIELD_WORDS.get(m, m) for m in missing],
                "details": figures.get("details") or {},
            }
        )
    return Section(shown, total)


def unconfirmed_protection(
    session: Session,
    *,
    calendar: WorkingCalendar,
    quarter: Quarter,
    today: date,
    working_days: int,
    organ_id: int | None,
    limit: int,
) -> Section:
    """П. 1.6: the active accounts with no confirmation for ``quarter``, by account."""
    confirmed = sa.select(col(ProtectionConfirmation.account_id)).where(
        col(ProtectionConfirmation.quarter) == str(quarter)
    )
    query = (
        sa.select(
            col(Account.id),
            col(Account.created_on),
            col(Organ.name),
            col(Account.network),
            col(Account.url),
        )
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(
            *_accounts(organ_id),
            col(Account.created_on) <= today,
            col(Account.id).not_in(confirmed),
        )
        .order_by(col(Account.id))
    )
    rows, total = _cut(session, query, limit)
    terms: dict[date, Deadline] = {}
    shown = []
    for account_id, created_on, organ, network, url in rows:
        since = max(quarter.first_day, created_on)
        if since not in terms:
            terms[since] = protection_deadline(
                calendar, quarter=quarter, working_days=working_days, created_on=created_on
            )
        due = terms[since].due
        shown.append(
            {
                **_account(account_id, organ, network, url),
                "quarter": str(quarter),
                "due": due.isoformat(),
                "overdue": due < today,
            }
        )
    return Section(shown, total)


def open_unnotified(session: Session, *, organ_id: int | None, limit: int) -> Section:
    """П. 3.1: the accounts linked from the organs' pages that srok still does not know."""
    query = (
        sa.select(UnnotifiedAccount, col(Organ.name))
        .join(Organ, col(Organ.id) == col(UnnotifiedAccount.organ_id))
        .where(
            col(UnnotifiedAccount.closed_on).is_(None),
            col(UnnotifiedAccount.url).not_in(sa.select(col(Account.url))),
        )
        .order_by(col(UnnotifiedAccount.first_seen_on), col(UnnotifiedAccount.id))
    )
    if organ_id is not None:
        query = query.where(col(UnnotifiedAccount.organ_id) == organ_id)
    rows, total = _cut(session, query, limit)
    shown = [
        {
            "id": row.id,
            "organ_id": row.organ_id,
            "organ": organ,
            "network": row.network,
            "network_name": _network(row.network),
            "url": row.url,
            "page": row.page,
            "first_seen_on": row.first_seen_on.isoformat(),
            "last_seen_on": row.last_seen_on.isoformat(),
        }
        for row, organ in rows
    ]
    return Section(shown, total)


def missing_required(session: Session, *, today: date, organ_id: int | None) -> Section:
    """П. 1.2: the required accounts not created yet, by due date."""
    rows = [
        {
            "id": r.id,
            "organ_id": r.organ_id,
            "organ": r.organ,
            "network": r.network,
            "network_name": _network(r.network),
            "resolution": r.resolution,
            "resolution_date": r.resolution_date.isoformat(),
            "due": r.due.isoformat(),
            "overdue": r.overdue(today),
        }
        for r in list_required(session, missing_only=True)
        if organ_id is None or r.organ_id == organ_id
    ]
    return Section(rows, len(rows))


def standing_findings(
    *,
    session: Session,
    calendar: WorkingCalendar,
    today: date,
    working_days: int,
    organ_id: int | None = None,
    limit: int = 200,
) -> StandingFindings:
    """Gather the five lists for the city (``organ_id`` None) or one organ."""
    quarter = Quarter.of(today)
    since = IsoWeek.of(IsoWeek.last_complete(today).monday - timedelta(weeks=WEEKS_SHOWN - 1))
    return StandingFindings(
        today=today,
        quarter=quarter,
        since_week=since,
        organ_id=organ_id,
        short_weeks=short_weeks(session, since=since, organ_id=organ_id, limit=limit),
        descriptions=incomplete_descriptions(session, organ_id=organ_id, limit=limit),
        unprotected=unconfirmed_protection(
            session,
            calendar=calendar,
            quarter=quarter,
            today=today,
            working_days=working_days,
            organ_id=organ_id,
            limit=limit,
        ),
        unnotified=open_unnotified(session, organ_id=organ_id, limit=limit),
        required=missing_required(session, today=today, organ_id=organ_id),
    )
