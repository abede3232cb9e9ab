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
from dataclasses import dataclass, field
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

    account_id: int
    rule: str
    checked: bool
    ok: bool | None  # None when not checked: unknown, neither kept nor broken
    reason: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    network_down: bool = False  # the network failed as a whole, not this account

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


def check_week(week: IsoWeek, *, today: date) -> IsoWeek:
    """Refuse a week that has not ended in the city: its count would change (п. 2.1)."""
    if week.sunday >= today:
        raise RuleViolation(
            "--week",
            f"{week} ({week.in_words()}) ещё не закончилась: проверяется законченная неделя",
            WEEKLY_PUBLICATIONS,
        )
    return week


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
    results never prints half an answer.
    """
    check_week(week, today=today)
    if account_id is not None:
        get_account(session, account_id)
    return _results(session=session, clients=clients, week=week, account_id=account_id)


def _results(
    *, session: Session, clients: NetworkClients, week: IsoWeek, account_id: int | None
) -> Iterator[RuleResult]:
    query = select(Account, Organ).join(Organ, col(Organ.id) == col(Account.organ_id))
    query = query.where(Account.active == True)  # noqa: E712 - SQL, not Python truth
    if account_id is not None:
        query = query.where(Account.id == account_id)
    stopped: dict[str, str] = {}
    for account, organ in session.exec(query.order_by(col(Account.id))).all():
        assert account.id is not None
        yield _weekly(account, week, clients, stopped)
        yield _description(account, organ, clients, stopped)


def _skip(account: Account, clients: NetworkClients, stopped: dict[str, str]) -> str | None:
    if account.network in stopped:
        return stopped[account.network]
    if clients.get(account.network) is None:
        return clients.reason(account.network)
    return None


def _not_checked(
    account: Account, rule: str, error: NotChecked, stopped: dict[str, str], figures: dict[str, Any]
) -> RuleResult:
    if error.stop:
        stopped[account.network] = error.reason
    return RuleResult(
        account_id=account.id or 0,
        rule=rule,
        checked=False,
        ok=None,
        reason=error.reason,
        figures=figures,
        network_down=error.network_down,
    )


def _weekly(
    account: Account, week: IsoWeek, clients: NetworkClients, stopped: dict[str, str]
) -> RuleResult:
    figures: dict[str, Any] = {"week": str(week), "posts": None, "required": REQUIRED_PER_WEEK}
    why = _skip(account, clients, stopped)
    client = clients.get(account.network)
    if why is not None or client is None:
        return RuleResult(account.id or 0, WEEKLY_PUBLICATIONS, False, None, why, figures)
    try:
        found = client.publications(account.url, since=week.start(), until=week.end())
    except NotChecked as error:
        return _not_checked(account, WEEKLY_PUBLICATIONS, error, stopped, figures)
    counted = count_week(found, week)
    figures["posts"] = counted.posts
    return RuleResult(account.id or 0, WEEKLY_PUBLICATIONS, True, counted.ok, figures=figures)


def _description(
    account: Account, organ: Organ, clients: NetworkClients, stopped: dict[str, str]
) -> RuleResult:
    figures: dict[str, Any] = {"missing": None}
    why = _skip(account, clients, stopped)
    client = clients.get(account.network)
    if why is not None or client is None:
        return RuleResult(account.id or 0, ACCOUNT_DESCRIPTION, False, None, why, figures)
    try:
        shown = client.description(account.url)
    except NotChecked as error:
        return _not_checked(account, ACCOUNT_DESCRIPTION, error, stopped, figures)
    seen = DescriptionSeen(
        text=shown.text,
        phones=phones_in(shown.text, shown.phones),
        emails=frozenset(shown.emails),
    )
    record = OrganRecord(
        name=organ.name,
        postal_address=organ.postal_address,
        email=organ.email,
        phone=normalise_phone(organ.phone),
    )
    result = compare_description(seen, record)
    figures = {"missing": list(result.missing), "details": result.details}
    return RuleResult(account.id or 0, ACCOUNT_DESCRIPTION, True, result.ok, figures=figures)
