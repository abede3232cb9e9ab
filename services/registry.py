"""The Registry of accounts (Реестр, п. 3.3): the internal one, and its public part (п. 3.5).

The public part is what the IT department has entered (п. 3.4) by a date: for
each account, the state as of its latest cycle whose registry entry was made
by then. Specialists (п. 3.3 абзац 5) are never read by the public functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.networks import NETWORKS
from models.tables import Account, AccountAddress, AccountSpecialist, Cycle, Organ, Specialist, Step


@dataclass(frozen=True)
class AddressChange:
    """A previous address and the day it stopped being current."""

    url: str
    valid_from: str
    changed_on: str


@dataclass(frozen=True)
class PublicEntry:
    """One account as residents read it: п. 3.3 абзацы 2-4, nothing of абзац 5."""

    account_id: int
    organ: str
    network: str
    url: str
    created_on: str
    entered_on: str  # when the state shown was entered into the Registry
    previous: tuple[AddressChange, ...]

    def as_dict(self) -> dict[str, Any]:
        # By hand, not dataclasses.asdict: its deep copy was most of a publication's time.
        return {
            "account_id": self.account_id,
            "organ": self.organ,
            "network": self.network,
            "url": self.url,
            "created_on": self.created_on,
            "entered_on": self.entered_on,
            "previous": [
                {"url": p.url, "valid_from": p.valid_from, "changed_on": p.changed_on}
                for p in self.previous
            ],
        }


def public_registry(session: Session, *, on: date) -> list[PublicEntry]:
    """Return the public registry as it stands on ``on``, sorted by organ, network, address."""
    entered_by_then = sa.and_(
        col(Step.clause) == "3.4", col(Step.done_on).is_not(None), col(Step.done_on) <= on
    )
    entered = session.execute(
        select(col(Step.account_id), col(Step.done_on), col(Cycle.occurred_on))
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .where(entered_by_then)
    ).all()
    latest: dict[int, tuple[date, date]] = {}
    for account_id, done_on, occurred_on in entered:
        assert done_on is not None
        if account_id not in latest or occurred_on > latest[account_id][0]:
            latest[account_id] = (occurred_on, done_on)
    if not latest:
        return []
    # A subquery, not a list of ids: a list breaks past 65,535 parameters on a large city.
    public_ids = select(col(Step.account_id)).where(entered_by_then)
    # Plain columns, not ORM objects: the public registry of a large city is many rows.
    accounts = session.execute(
        select(col(Account.id), col(Account.network), col(Account.created_on), col(Organ.name))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(col(Account.id).in_(public_ids), col(Account.active))
    ).all()
    addresses: dict[int, list[tuple[date, int, str]]] = {}
    for account_id, valid_from, address_id, url in session.execute(
        select(
            col(AccountAddress.account_id),
            col(AccountAddress.valid_from),
            col(AccountAddress.id),
            col(AccountAddress.url),
        ).where(col(AccountAddress.account_id).in_(public_ids))
    ):
        addresses.setdefault(account_id, []).append((valid_from, address_id, url))
    entries = []
    for account_id, network, created_on, organ in accounts:
        as_of, entered_on = latest[account_id]
        known = sorted(a for a in addresses.get(account_id, []) if a[0] <= as_of)
        previous = tuple(
            AddressChange(url, valid_from.isoformat(), known[i + 1][0].isoformat())
            for i, (valid_from, _, url) in enumerate(known[:-1])
        )
        entries.append(
            PublicEntry(
                account_id=account_id,
                organ=organ,
                network=NETWORKS[network].russian,
                url=known[-1][2],
                created_on=created_on.isoformat(),
                entered_on=entered_on.isoformat(),
                previous=previous,
            )
        )
    return sorted(entries, key=lambda e: (e.organ, e.network, e.url, e.account_id))


def internal_registry(session: Session) -> list[dict[str, Any]]:
    """Return the whole Registry for the IT department, specialists' contacts included."""
    return list(iter_internal_registry(session))


def iter_internal_registry(session: Session, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Yield the Registry an account at a time, by organ, network and id, in flat memory.

    Accounts are read ``batch`` at a time; each batch's addresses, current
    specialists and latest entry (п. 3.4) come by one query each over that
    batch's ids, so no statement carries more than ``batch`` parameters.
    """
    accounts = (
        session.connection()
        .execution_options(yield_per=batch)
        .execute(
            sa.select(
                col(Account.id),
                col(Organ.name),
                col(Account.network),
                col(Account.url),
                col(Account.active),
                col(Account.created_on),
            )
            .join(Organ, col(Organ.id) == col(Account.organ_id))
            .order_by(col(Organ.name), col(Account.network), col(Account.id))
        )
    )
    try:
        for chunk in accounts.partitions(batch):
            yield from _registry_rows(session, chunk)
    finally:
        accounts.close()


def _registry_rows(session: Session, accounts: Sequence[Any]) -> Iterator[dict[str, Any]]:
    ids = [row[0] for row in accounts]
    history: dict[int, list[dict[str, Any]]] = {}
    for account_id, url, valid_from, valid_until in session.execute(
        sa.select(
            col(AccountAddress.account_id),
            col(AccountAddress.url),
            col(AccountAddress.valid_from),
            col(AccountAddress.valid_until),
        )
        .where(col(AccountAddress.account_id).in_(ids))
        .order_by(col(AccountAddress.valid_from), col(AccountAddress.id))
    ):
        history.setdefault(account_id, []).append(
            {
                "url": url,
                "from": valid_from.isoformat(),
                "until": valid_until.isoformat() if valid_until else None,
            }
        )
    people: dict[int, list[dict[str, Any]]] = {}
    for account_id, sid, full_name, position, phone, email in session.execute(
        sa.select(
            col(AccountSpecialist.account_id),
            col(Specialist.id),
            col(Specialist.full_name),
            col(Specialist.position),
            col(Specialist.phone),
            col(Specialist.email),
        )
        .join(Specialist, col(Specialist.id) == col(AccountSpecialist.specialist_id))
        .where(col(AccountSpecialist.account_id).in_(ids), col(AccountSpecialist.until).is_(None))
        .order_by(col(AccountSpecialist.account_id), col(Specialist.id))
    ):
        people.setdefault(account_id, []).append(
            {
                "id": sid,
                "full_name": full_name,
                "position": position,
                "phone": phone,
                "email": email,
            }
        )
    entered: dict[int, date] = dict(
        session.execute(
            sa.select(col(Step.account_id), sa.func.max(col(Step.done_on)))
            .where(
                col(Step.account_id).in_(ids),
                col(Step.clause) == "3.4",
                col(Step.done_on).is_not(None),
            )
            .group_by(col(Step.account_id))
        ).all()
    )
    for account_id, organ, network, url, active, created_on in accounts:
        last_entry = entered.get(account_id)
        yield {
            "account_id": account_id,
            "organ": organ,
            "network": NETWORKS[network].russian,
            "url": url,
            "active": active,
            "created_on": created_on.isoformat(),
            "addresses": history.get(account_id, []),
            "entered_on": last_entry.isoformat() if last_entry else None,
            "specialists": people.get(account_id, []),
        }
