"""The standing rules of section 2, checked from the networks themselves: п. 2.1 and п. 2.4.

For each active account, one result per rule: checked or not (and why), ok
or not, and the rule's figures. The networks are asked through
networks.base.NetworkClient; what counts and what is compared is decided in
domain.posting and domain.description. A network that refuses srok itself (an
expired token) is asked no more in this run; its other accounts are "not
checked" with the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from domain.description import (
    ACCOUNT_DESCRIPTION,
    DescriptionSeen,
    OrganRecord,
    compare_description,
)
from domain.errors import RuleViolation
from domain.posting import REQUIRED_PER_WEEK, WEEKLY_PUBLICATIONS, IsoWeek, count_week
from models.tables import Account, Organ
from networks.base import NotChecked
from services.accounts import get_account
from services.network_clients import NetworkClients
from services.phones import normalise_phone, phones_in


@dataclass(frozen=True)
class RuleResult:
    """One account against one rule: the object `srok rules check --json` prints."""

    account_id: int | None  # None: a rule about an organ (п. 3.1, a missing п. 1.2 account)
    rule: str
    checked: bool
    ok: bool | None  # None when not checked: unknown, neither kept nor broken
    reason: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    network_down: bool = False  # the network failed as a whole, not this account
    organ_id: int = 0
    network: str = ""
    answers_sha256: str | None = None  # of the network's answers for this account
    requests: int = 0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "account_id": self.account_id,
            "rule": self.rule,
            "checked": self.checked,
            "ok": self.ok,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return {**data, **self.figures}


@dataclass(frozen=True)
class AccountToCheck:
    """What a check needs of an account and its organ, read in a short transaction."""

    id: int
    organ_id: int
    organ_name: str
    network: str
    url: str
    record: OrganRecord


def check_week(week: IsoWeek, *, today: date) -> IsoWeek:
    """Refuse a week that has not ended in the city: its count would change (п. 2.1)."""
    if week.sunday >= today:
        raise RuleViolation(
            "--week",
            f"{week} ({week.in_words()}) ещё не закончилась: проверяется законченная неделя",
            WEEKLY_PUBLICATIONS,
        )
    return week


def accounts_to_check(*, session: Session, account_id: int | None = None) -> list[AccountToCheck]:
    """Read the active accounts (or one account, which must exist) with their organs' records."""
    if account_id is not None:
        get_account(session, account_id)
    query = select(Account, Organ).join(Organ, col(Organ.id) == col(Account.organ_id))
    query = query.where(Account.active == True)  # noqa: E712 - SQL, not Python truth
    if account_id is not None:
        query = query.where(Account.id == account_id)
    return [
        AccountToCheck(
            id=account.id or 0,
            organ_id=organ.id or 0,
            organ_name=organ.name,
            network=account.network,
            url=account.url,
            record=OrganRecord(
                name=organ.name,
                postal_address=organ.postal_address,
                email=organ.email,
                phone=normalise_phone(organ.phone),
            ),
        )
        for account, organ in session.exec(query.order_by(col(Account.id))).all()
    ]


def check_standing_rules(
    *,
    session: Session,
    clients: NetworkClients,
    week: IsoWeek,
    today: date,
    account_id: int | None = None,
) -> Iterator[RuleResult]:
    """Check п. 2.1 for ``week`` and п. 2.4 now, for one account or every active one.

    Bad input is refused here, before the first result: a caller streaming the
    results never prints half an answer. Nothing is stored (see
    services.rule_evidence.run_standing_rules for the run that stores).
    """
    check_week(week, today=today)
    targets = accounts_to_check(session=session, account_id=account_id)
    return _results(targets, clients=clients, week=week)


def _results(
    targets: list[AccountToCheck], *, clients: NetworkClients, week: IsoWeek
) -> Iterator[RuleResult]:
    stopped: dict[str, str] = {}
    for target in targets:
        yield from check_account(target, clients=clients, week=week, stopped=stopped)


def check_account(
    target: AccountToCheck, *, clients: NetworkClients, week: IsoWeek, stopped: dict[str, str]
) -> tuple[RuleResult, RuleResult]:
    """Check one account against п. 2.1 and 2.4; ``stopped`` carries networks that refused srok."""
    weekly = _weekly(target, week, clients, stopped)
    description = _description(target, clients, stopped)
    client = clients.get(target.network)
    digest, made = client.transport.take_evidence() if client is not None else (None, 0)
    weekly, description = (
        replace(
            r,
            organ_id=target.organ_id,
            network=target.network,
            answers_sha256=digest,
            requests=made,
        )
        for r in (weekly, description)
    )
    return weekly, description


def _skipped(
    target: AccountToCheck,
    rule: str,
    clients: NetworkClients,
    stopped: dict[str, str],
    figures: dict[str, Any],
) -> RuleResult | None:
    """The result of an account srok does not ask: its network refused srok, or has no client."""
    if target.network in stopped:
        reason = stopped[target.network]
        return RuleResult(target.id, rule, False, None, reason, figures, network_down=True)
    if clients.get(target.network) is None:
        reason = clients.reason(target.network)
        return RuleResult(target.id, rule, False, None, reason, figures)
    return None


def _not_checked(
    target: AccountToCheck,
    rule: str,
    error: NotChecked,
    stopped: dict[str, str],
    figures: dict[str, Any],
) -> RuleResult:
    if error.stop:
        stopped[target.network] = error.reason
    return RuleResult(
        account_id=target.id,
        rule=rule,
        checked=False,
        ok=None,
        reason=error.reason,
        figures=figures,
        network_down=error.network_down,
    )


def _weekly(
    target: AccountToCheck, week: IsoWeek, clients: NetworkClients, stopped: dict[str, str]
) -> RuleResult:
    figures: dict[str, Any] = {"week": str(week), "posts": None, "required": REQUIRED_PER_WEEK}
    skipped = _skipped(target, WEEKLY_PUBLICATIONS, clients, stopped, figures)
    client = clients.get(target.network)
    if skipped is not None or client is None:
        return skipped or RuleResult(target.id, WEEKLY_PUBLICATIONS, False, None)
    try:
        found = client.publications(target.url, since=week.start(), until=week.end())
    except NotChecked as error:
        return _not_checked(target, WEEKLY_PUBLICATIONS, error, stopped, figures)
    counted = count_week(found, week)
    figures["posts"] = counted.posts
    return RuleResult(target.id, WEEKLY_PUBLICATIONS, True, counted.ok, figures=figures)


def _description(
    target: AccountToCheck, clients: NetworkClients, stopped: dict[str, str]
) -> RuleResult:
    figures: dict[str, Any] = {"missing": None}
    skipped = _skipped(target, ACCOUNT_DESCRIPTION, clients, stopped, figures)
    client = clients.get(target.network)
    if skipped is not None or client is None:
        return skipped or RuleResult(target.id, ACCOUNT_DESCRIPTION, False, None)
    try:
        shown = client.description(target.url)
    except NotChecked as error:
        return _not_checked(target, ACCOUNT_DESCRIPTION, error, stopped, figures)
    seen = DescriptionSeen(
        text=shown.text,
        phones=phones_in(shown.text, shown.phones),
        emails=frozenset(shown.emails),
    )
    result = compare_description(seen, target.record)
    figures = {"missing": list(result.missing), "details": result.details}
    return RuleResult(target.id, ACCOUNT_DESCRIPTION, True, result.ok, figures=figures)
