"""The standing rules per organ for the compliance report: п. 2.1, 2.4 and 1.6 over a quarter.

For each organ: of the account-weeks checked in the quarter (weeks whose Sunday
falls in it), how many had at least 8 publications (п. 2.1); of its accounts
whose description was checked, how many had it complete at the latest check
(п. 2.4); of its active accounts, how many confirmed their protection for the
quarter (п. 1.6). Counted in SQL, grouped by organ.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    return list(iter_standing(session=session, quarter=quarter, organ_id=organ_id))


def iter_standing(
    *, session: Session, quarter: Quarter, organ_id: int | None = None, batch: int = 2000
) -> Iterator[dict[str, Any]]:
    """Yield one row per organ with accounts, by organ name, from one statement read in batches.

    Each figure is counted per organ by a grouped subquery; the organs are read
    with their figures joined, so no organ is kept once its row is written.
    """
    # ISO week names sort as text ("2026-W53" < "2027-W01"): a range, not an IN list.
    weeks = quarter_weeks(quarter)
    organ_filter = [col(Account.organ_id) == organ_id] if organ_id is not None else []
    accounts = (
        sa.select(col(Account.organ_id).label("organ_id"), sa.func.count().label("n"))
        .where(col(Account.active), *organ_filter)
        .group_by(col(Account.organ_id))
        .subquery("accounts")
    )
    checks: Any = (
        sa.select(
            col(Account.organ_id).label("organ_id"),
            sa.func.count().label("checked"),
            sa.func.sum(sa.case((col(RuleCheck.ok).is_(True), 1), else_=0)).label("ok"),
        )
        .join(Account, col(Account.id) == col(RuleCheck.account_id))
        .where(
            col(Account.active),
            col(RuleCheck.checked),
            col(RuleCheck.week).between(weeks[0], weeks[-1]),
            *organ_filter,
        )
        .group_by(col(Account.organ_id))
    )
    weekly = checks.where(col(RuleCheck.rule) == "2.1").subquery("weekly")
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
    described = (
        checks.join(
            latest,
            sa.and_(
                latest.c.account_id == col(RuleCheck.account_id),
                latest.c.week == col(RuleCheck.week),
            ),
        )
        .where(col(RuleCheck.rule) == "2.4")
        .subquery("described")
    )
    protected = (
        sa.select(col(Account.organ_id).label("organ_id"), sa.func.count().label("n"))
        .join(ProtectionConfirmation, col(ProtectionConfirmation.account_id) == col(Account.id))
        .where(
            col(Account.active), col(ProtectionConfirmation.quarter) == str(quarter), *organ_filter
        )
        .group_by(col(Account.organ_id))
        .subquery("protected")
    )
    connection = session.connection()
    name = col(Organ.name)
    by_name = sa.collate(name, "C") if connection.dialect.name == "postgresql" else name
    query = (
        sa.select(
            name,
            accounts.c.n,
            weekly.c.checked,
            weekly.c.ok,
            described.c.checked,
            described.c.ok,
            protected.c.n,
        )
        .join(accounts, accounts.c.organ_id == col(Organ.id))
        .outerjoin(weekly, weekly.c.organ_id == col(Organ.id))
        .outerjoin(described, described.c.organ_id == col(Organ.id))
        .outerjoin(protected, protected.c.organ_id == col(Organ.id))
        .order_by(by_name, col(Organ.id))
    )
    rows = connection.execute(query.execution_options(yield_per=batch))
    try:
        for organ, n, weeks_checked, weeks_ok, checked, complete, confirmed in rows:
            row: dict[str, Any] = {
                "organ": organ,
                "accounts": int(n),
                "weeks_checked": int(weeks_checked or 0),
                "weeks_with_8": int(weeks_ok or 0),
                "descriptions_checked": int(checked or 0),
                "descriptions_complete": int(complete or 0),
                "protection_confirmed": int(confirmed or 0),
            }
            row["description_complete"] = (
                row["descriptions_checked"] > 0
                and row["descriptions_complete"] == row["descriptions_checked"]
            )
            row["protection_all_confirmed"] = row["protection_confirmed"] == row["accounts"]
            yield row
    finally:
        rows.close()
