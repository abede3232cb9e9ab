"""The standing rules per organ for the compliance report: п. 2.1, 2.4 and 1.6 over a quarter.

For each organ: of the account-weeks checked in the quarter (weeks whose Sunday
falls in it), how many had at least 8 publications (п. 2.1); of its accounts
whose description was checked, how many had it complete at the latest check
(п. 2.4); of its active accounts, how many confirmed their protection for the
quarter (п. 1.6). Counted in SQL, grouped by organ.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.posting import IsoWeek
from domain.quarter import Quarter
from models.tables import Account, Organ, ProtectionConfirmation, RuleCheck


def quarter_weeks(quarter: Quarter) -> list[str]:
    """Return the ISO weeks whose Sunday falls in the quarter."""
    day = quarter.first_day + timedelta(days=(6 - quarter.first_day.weekday()) % 7)
    weeks = []
    while day <= quarter.last_day:
        weeks.append(str(IsoWeek.of(day)))
        day += timedelta(days=7)
    return weeks


def standing_by_organ(
    *, session: Session, quarter: Quarter, organ_id: int | None = None
) -> list[dict[str, Any]]:
    """Return one row per organ with accounts: the quarter's standing-rule figures."""
    # ISO week names sort as text ("2026-W53" < "2027-W01"): a range, not an IN list.
    weeks = quarter_weeks(quarter)
    organ_filter = [col(Account.organ_id) == organ_id] if organ_id is not None else []
    rows: dict[int, dict[str, Any]] = {}
    for oid, name, accounts in session.execute(
        sa.select(col(Organ.id), col(Organ.name), sa.func.count(col(Account.id)))
        .join(Account, col(Account.organ_id) == col(Organ.id))
        .where(col(Account.active), *organ_filter)
        .group_by(col(Organ.id), col(Organ.name))
    ):
        rows[oid] = {
            "organ": name,
            "accounts": int(accounts),
            "weeks_checked": 0,
            "weeks_with_8": 0,
            "descriptions_checked": 0,
            "descriptions_complete": 0,
            "protection_confirmed": 0,
        }
    checks = (
        sa.select(
            col(Account.organ_id),
            sa.func.count(),
            sa.func.sum(sa.case((col(RuleCheck.ok).is_(True), 1), else_=0)),
        )
        .join(Account, col(Account.id) == col(RuleCheck.account_id))
        .where(
            col(Account.active),
            col(RuleCheck.checked),
            col(RuleCheck.week).between(weeks[0], weeks[-1]),
        )
    )
    for oid, checked, ok in session.execute(
        checks.where(col(RuleCheck.rule) == "2.1", *organ_filter).group_by(col(Account.organ_id))
    ):
        if oid in rows:
            rows[oid]["weeks_checked"] = int(checked)
            rows[oid]["weeks_with_8"] = int(ok or 0)
    latest = (
        sa.select(col(RuleCheck.account_id), sa.func.max(col(RuleCheck.week)).label("week"))
        .where(
            col(RuleCheck.rule) == "2.4",
            col(RuleCheck.checked),
            col(RuleCheck.week).between(weeks[0], weeks[-1]),
        )
        .group_by(col(RuleCheck.account_id))
        .subquery()
    )
    for oid, checked, ok in session.execute(
        checks.join(
            latest,
            sa.and_(
                latest.c.account_id == col(RuleCheck.account_id),
                latest.c.week == col(RuleCheck.week),
            ),
        )
        .where(col(RuleCheck.rule) == "2.4", *organ_filter)
        .group_by(col(Account.organ_id))
    ):
        if oid in rows:
            rows[oid]["descriptions_checked"] = int(checked)
            rows[oid]["descriptions_complete"] = int(ok or 0)
    for oid, confirmed in session.execute(
        sa.select(col(Account.organ_id), sa.func.count())
        .join(ProtectionConfirmation, col(ProtectionConfirmation.account_id) == col(Account.id))
        .where(
            col(Account.active), col(ProtectionConfirmation.quarter) == str(quarter), *organ_filter
        )
        .group_by(col(Account.organ_id))
    ):
        if oid in rows:
            rows[oid]["protection_confirmed"] = int(confirmed)
    for row in rows.values():
        row["description_complete"] = (
            row["descriptions_checked"] > 0
            and row["descriptions_complete"] == row["descriptions_checked"]
        )
        row["protection_all_confirmed"] = row["protection_confirmed"] == row["accounts"]
    return sorted(rows.values(), key=lambda r: r["organ"])
