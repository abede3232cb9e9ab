"""Store each check of the standing rules as evidence, one transaction per account.

A weekly run asks the networks for hours (100,000 accounts at a few requests
a second); no transaction stays open while srok waits on a network, so the
sweep and the web app write as usual meanwhile. Each account's two results are
stored together, or not at all. One row per account, rule and week: a second
run that week (a retry, a hand check) keeps a complete check and replaces only
a "not checked" one, so running twice gives the result of running once. A
finding (a checked rule not kept) enters the audit chain when first stored; a
description (п. 2.4) found complete after a finding closes it there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.posting import IsoWeek
from models.tables import RuleCheck
from services.app import Srok
from services.audit import append
from services.network_clients import NetworkClients
from services.rules import (
    AccountToCheck,
    RuleResult,
    accounts_to_check,
    check_account,
    check_week,
)

FINDING = "rule.finding"
FINDING_CLOSED = "rule.finding_closed"


def _was_broken(session: Session, result: RuleResult, week: IsoWeek) -> bool:
    """Tell whether the description (п. 2.4) was found wanting at its check before ``week``.

    A description stays wrong until someone mends it, so its mending closes the
    finding in the audit trail. A short week (п. 2.1) is a fact about a week
    that is over: it is told once (services.findings) and has nothing to close.
    """
    if result.rule != "2.4":
        return False
    before = session.exec(
        select(RuleCheck.ok)
        .where(
            RuleCheck.account_id == result.account_id,
            RuleCheck.rule == result.rule,
            col(RuleCheck.checked),
            col(RuleCheck.week) < str(week),
        )
        .order_by(col(RuleCheck.week).desc())
        .limit(1)
    ).first()
    return before is False


def store_checks(
    *, session: Session, results: Sequence[RuleResult], week: IsoWeek, now: datetime
) -> int:
    """Store one account's results for ``week``; return how many rows were written."""
    written = 0
    for result in results:
        if result.account_id is None:
            continue  # п. 3.1, 1.2 are srok's own records: nothing asked, nothing to keep
        row = session.exec(
            select(RuleCheck).where(
                RuleCheck.account_id == result.account_id,
                RuleCheck.rule == result.rule,
                RuleCheck.week == str(week),
            )
        ).first()
        if row is not None and (row.checked or not result.checked):
            continue  # the week's first complete check stands; a failure never replaces it
        row = row or RuleCheck(
            account_id=result.account_id, rule=result.rule, week=str(week), checked=False
        )
        row.checked_at = now
        row.checked = result.checked
        row.ok = result.ok
        row.reason = result.reason
        row.figures = json.dumps(result.figures, ensure_ascii=False, sort_keys=True)
        row.answers_sha256 = result.answers_sha256
        row.requests = result.requests
        session.add(row)
        written += 1
        if result.checked and result.ok and _was_broken(session, result, week):
            append(
                session,
                action=FINDING_CLOSED,
                entity=f"account:{result.account_id}",
                clause=result.rule,
                after={"week": str(week), "answers_sha256": result.answers_sha256},
                account_id=result.account_id,
                organ_id=result.organ_id or None,
            )
        if result.checked and result.ok is False:
            append(
                session,
                action=FINDING,
                entity=f"account:{result.account_id}",
                clause=result.rule,
                after={
                    "week": str(week),
                    **result.figures,
                    "answers_sha256": result.answers_sha256,
                },
                account_id=result.account_id,
                organ_id=result.organ_id or None,
            )
    return written


def run_standing_rules(
    *,
    app: Srok,
    clients: NetworkClients,
    week: IsoWeek,
    today: date,
    account_id: int | None = None,
) -> Iterator[RuleResult]:
    """Check every active account (or one) and store each account's results as it goes.

    Bad input (a week not over, an unknown account) is refused before the first
    result, so nothing is stored and nothing half-printed.
    """
    check_week(week, today=today)
    with app.transaction() as session:
        targets = accounts_to_check(session=session, account_id=account_id)
    return _run(app, targets, clients=clients, week=week)


def _run(
    app: Srok, targets: list[AccountToCheck], *, clients: NetworkClients, week: IsoWeek
) -> Iterator[RuleResult]:
    stopped: dict[str, str] = {}
    for target in targets:
        results = check_account(target, clients=clients, week=week, stopped=stopped)
        try:
            with app.transaction() as session:
                store_checks(session=session, results=results, week=week, now=datetime.now(UTC))
        except sa.exc.IntegrityError:
            pass  # a run beside this one (the flow, a hand check) stored this account first
        yield from results


def stored_checks(*, session: Session, week: IsoWeek) -> list[RuleCheck]:
    """Return the week's stored checks, by account and rule."""
    query = select(RuleCheck).where(RuleCheck.week == str(week))
    return list(session.exec(query.order_by(col(RuleCheck.account_id), col(RuleCheck.rule))).all())
