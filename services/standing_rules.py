"""The weekly run of the standing rules: check every account once, store, and sum up by organ.

What the `standing-rules` flow and its artifact show: per organ, accounts
checked, short weeks (п. 2.1), description findings (п. 2.4), and accounts not
checked with why. A network fails "as a whole" when srok asked it about at
least one account and every answer was a failure of the network (5xx, timeout,
nonsense, a refused token): only then does the run end red. An account that
cannot be read (no public preview, no token configured) is not a failure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import select

from domain.networks import NETWORKS
from domain.posting import IsoWeek
from models.tables import Organ
from services.app import Srok
from services.network_clients import NetworkClients, open_clients
from services.rule_evidence import run_standing_rules
from services.rules import RuleResult


@dataclass
class OrganLine:
    """One organ's row in the weekly table."""

    organ: str
    accounts: int = 0
    checked: int = 0  # accounts whose two rules were both answered
    short_weeks: int = 0
    description_findings: int = 0
    unchecked: Counter[str] = field(default_factory=Counter)  # reason -> accounts

    def as_row(self) -> dict[str, Any]:
        return {
            "орган": self.organ,
            "аккаунтов": self.accounts,
            "проверено": self.checked,
            "недель меньше 8 публикаций (п. 2.1)": self.short_weeks,
            "неполных описаний (п. 2.4)": self.description_findings,
            "не проверено и почему": "; ".join(f"{n} — {why}" for why, n in self.unchecked.items()),
        }


@dataclass
class StandingRulesSummary:
    week: IsoWeek
    organs: dict[int, OrganLine] = field(default_factory=dict)
    failed_networks: dict[str, str] = field(default_factory=dict)  # network -> a reason

    @property
    def ok(self) -> bool:
        return not self.failed_networks

    def table(self) -> list[dict[str, Any]]:
        return [line.as_row() for _, line in sorted(self.organs.items())]

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": str(self.week),
            "organs": self.table(),
            "failed_networks": self.failed_networks,
        }


def summarise(
    results: list[RuleResult], *, week: IsoWeek, organ_names: dict[int, str]
) -> StandingRulesSummary:
    """Sum the results up by organ, and find the networks that failed as a whole."""
    summary = StandingRulesSummary(week=week)
    by_account: dict[int | None, list[RuleResult]] = defaultdict(list)
    for result in results:
        by_account[result.account_id].append(result)
    asked: Counter[str] = Counter()
    down: dict[str, list[str]] = defaultdict(list)
    for pair in by_account.values():
        first = pair[0]
        line = summary.organs.setdefault(
            first.organ_id, OrganLine(organ_names.get(first.organ_id, "?"))
        )
        line.accounts += 1
        if all(r.checked for r in pair):
            line.checked += 1
        for result in pair:
            if result.checked and result.ok is False:
                if result.rule == "2.1":
                    line.short_weeks += 1
                else:
                    line.description_findings += 1
        unanswered = [r for r in pair if not r.checked]
        if unanswered:
            line.unchecked[unanswered[0].reason or "—"] += 1
        if first.requests or any(r.network_down for r in pair):
            asked[first.network] += 1
            if all(r.network_down for r in pair):
                down[first.network].append(first.reason or "—")
    for network, reasons in down.items():
        if len(reasons) == asked[network]:
            name = NETWORKS[network].russian if network in NETWORKS else network
            summary.failed_networks[name] = reasons[-1]
    return summary


def run_week(
    *,
    app: Srok,
    week: IsoWeek,
    today: date,
    clients: NetworkClients | None = None,
) -> StandingRulesSummary:
    """Check every active account for ``week`` once, store the evidence, and sum it up."""
    own = clients is None
    clients = clients or open_clients()
    try:
        results = list(run_standing_rules(app=app, clients=clients, week=week, today=today))
    finally:
        if own:
            clients.close()
    with app.transaction() as session:
        names = {o.id or 0: o.name for o in session.exec(select(Organ)).all()}
    return summarise(results, week=week, organ_names=names)
