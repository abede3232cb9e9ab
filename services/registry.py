"""The Registry of accounts (Реестр, п. 3.3): the internal one, and its public part (п. 3.5).

The public part is what the IT department has entered (п. 3.4) by a date: for
each account, the state as of its latest cycle whose registry entry was made
by then. Specialists (п. 3.3 абзац 5) are never read by the public functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    return list(iter_public_registry(session, on=on))


def count_public(session: Session, *, on: date) -> int:
    """Count the accounts the public registry shows on ``on`` (as iter_public_registry yields)."""
    return int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(Account)
            .where(col(Account.id).in_(_entered_ids(on)), col(Account.active))
        ).scalar_one()
    )


def _entered_by(on: date) -> Any:
    return sa.and_(
        col(Step.clause) == "3.4", col(Step.done_on).is_not(None), col(Step.done_on) <= on
    )


def _entered_ids(on: date) -> Any:
    # A subquery, not a list of ids: a list breaks past 65,535 parameters on a large city.
    return select(col(Step.account_id)).where(_entered_by(on))


def bytewise(column: Any, dialect: str) -> Any:
    """Order text as Python's ``sorted`` does (by code point), whatever the database's locale.

    SQLite compares text byte by byte already; PostgreSQL follows its collation
    (``ru_RU``, ``en_US``: «ё» after «е», case folded) unless told "C".
    """
    return sa.collate(column, "C") if dialect == "postgresql" else column


def iter_public_registry(session: Session, *, on: date, batch: int = 2000) -> Iterator[PublicEntry]:
    """Yield the public registry as it stands on ``on``, in its order, in flat memory.

    Three queries in the same order (organ name, account) are read side by side,
    ``batch`` rows at a time: the public accounts, their п. 3.4 entries made by
    ``on`` and their addresses. Only one organ's accounts are held at a time, to
    sort them by network and address, as the published files list them.
    """
    connection = session.connection()
    organ_name = bytewise(col(Organ.name), connection.dialect.name)
    public = sa.and_(col(Account.id).in_(_entered_ids(on)), col(Account.active))

    def ordered(*columns: Any) -> sa.Select[*tuple[Any, ...]]:
        return (
            sa.select(col(Account.id), *columns)
            .select_from(Account)
            .join(Organ, col(Organ.id) == col(Account.organ_id))
            .where(public)
            .order_by(organ_name, col(Account.id))
        )

    queries = {
        "accounts": ordered(col(Account.network), col(Account.created_on), col(Organ.name)),
        # The latest entry an account had by then; the first of equal dates, by step.
        "entered": ordered(col(Step.done_on), col(Cycle.occurred_on))
        .join(Step, col(Step.account_id) == col(Account.id))
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .where(_entered_by(on))
        .order_by(col(Step.id)),
        "addresses": ordered(
            col(AccountAddress.valid_from), col(AccountAddress.id), col(AccountAddress.url)
        ).join(AccountAddress, col(AccountAddress.account_id) == col(Account.id)),
    }
    results = {
        name: connection.execute(query.execution_options(yield_per=batch))
        for name, query in queries.items()
    }
    try:
        entered = _Follower(results["entered"])
        addresses = _Follower(results["addresses"])
        organ: list[PublicEntry] = []
        for account_id, network, created_on, organ_name_value in results["accounts"]:
            if organ and organ[0].organ != organ_name_value:
                yield from sorted(organ, key=_public_order)
                organ = []
            as_of, entered_on = _latest(entered.take(account_id))
            known = sorted(a for a in addresses.take(account_id) if a[0] <= as_of)
            organ.append(
                PublicEntry(
                    account_id=account_id,
                    organ=organ_name_value,
                    network=NETWORKS[network].russian,
                    url=known[-1][2],
                    created_on=created_on.isoformat(),
                    entered_on=entered_on.isoformat(),
                    previous=tuple(
                        AddressChange(url, valid_from.isoformat(), known[i + 1][0].isoformat())
                        for i, (valid_from, _, url) in enumerate(known[:-1])
                    ),
                )
            )
        yield from sorted(organ, key=_public_order)
    finally:
        for result in results.values():
            result.close()


def _public_order(entry: PublicEntry) -> tuple[str, str, str, int]:
    return entry.organ, entry.network, entry.url, entry.account_id


def _latest(entries: list[tuple[Any, ...]]) -> tuple[date, date]:
    """Return (cycle day, entry day) of the latest cycle entered; the first one of a tie."""
    latest: tuple[date, date] | None = None
    for done_on, occurred_on in entries:
        if latest is None or occurred_on > latest[0]:
            latest = (occurred_on, done_on)
    assert latest is not None  # the account is public because it has an entry
    return latest


def internal_registry(session: Session) -> list[dict[str, Any]]:
    """Return the whole Registry for the IT department, specialists' contacts included."""
    return list(iter_internal_registry(session))


def iter_internal_registry(session: Session, *, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Yield the Registry an account at a time, by organ, network and id, in flat memory.

    Four queries in the same order (accounts; their addresses; their current
    specialists; their latest entry, п. 3.4) are read side by side, ``batch``
    rows at a time, and merged as they come: no list of ids, so no statement
    grows with the city, and nothing of the city is held at once.
    """
    by_account = (col(Organ.name), col(Account.network), col(Account.id))

    def ordered(*columns: Any) -> sa.Select[*tuple[Any, ...]]:
        return (
            sa.select(col(Account.id), *columns)
            .select_from(Account)
            .join(Organ, col(Organ.id) == col(Account.organ_id))
            .order_by(*by_account)
        )

    entered = (
        sa.select(col(Step.account_id), sa.func.max(col(Step.done_on)).label("entered_on"))
        .where(col(Step.clause) == "3.4", col(Step.done_on).is_not(None))
        .group_by(col(Step.account_id))
        .subquery()
    )
    queries = {
        "accounts": ordered(
            col(Organ.name),
            col(Account.network),
            col(Account.url),
            col(Account.active),
            col(Account.created_on),
            entered.c.entered_on,
        ).outerjoin(entered, entered.c.account_id == col(Account.id)),
        "addresses": ordered(
            col(AccountAddress.url), col(AccountAddress.valid_from), col(AccountAddress.valid_until)
        )
        .join(AccountAddress, col(AccountAddress.account_id) == col(Account.id))
        .order_by(col(AccountAddress.valid_from), col(AccountAddress.id)),
        "specialists": ordered(
            col(Specialist.id),
            col(Specialist.full_name),
            col(Specialist.position),
            col(Specialist.phone),
            col(Specialist.email),
        )
        .join(AccountSpecialist, col(AccountSpecialist.account_id) == col(Account.id))
        .join(Specialist, col(Specialist.id) == col(AccountSpecialist.specialist_id))
        .where(col(AccountSpecialist.until).is_(None))
        .order_by(col(Specialist.id)),
    }
    # Per statement: a Connection's own execution_options() would stay on it for every later one.
    connection = session.connection()
    results = {
        name: connection.execute(query.execution_options(yield_per=batch))
        for name, query in queries.items()
    }
    try:
        addresses = _Follower(results["addresses"])
        specialists = _Follower(results["specialists"])
        for account_id, organ, network, url, active, created_on, entered_on in results["accounts"]:
            yield {
                "account_id": account_id,
                "organ": organ,
                "network": NETWORKS[network].russian,
                "url": url,
                "active": active,
                "created_on": created_on.isoformat(),
                "addresses": [
                    {
                        "url": a_url,
                        "from": valid_from.isoformat(),
                        "until": valid_until.isoformat() if valid_until else None,
                    }
                    for a_url, valid_from, valid_until in addresses.take(account_id)
                ],
                "entered_on": _iso_date(entered_on),
                "specialists": [
                    {
                        "id": sid,
                        "full_name": name,
                        "position": position,
                        "phone": phone,
                        "email": email,
                    }
                    for sid, name, position, phone, email in specialists.take(account_id)
                ],
            }
    finally:
        for result in results.values():
            result.close()


def _iso_date(value: date | str | None) -> str | None:
    """An aggregate's date: a date on PostgreSQL, ISO text on SQLite (MAX forgets the type)."""
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


class _Follower:
    """Rows of a query in the accounts' order, handed out one account's run at a time."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = iter(rows)
        self._next: Any = next(self._rows, None)

    def take(self, account_id: int) -> list[tuple[Any, ...]]:
        """Return the rows of ``account_id`` (the account the caller is at), and move past them."""
        run = []
        while self._next is not None and self._next[0] == account_id:
            run.append(tuple(self._next[1:]))
            self._next = next(self._rows, None)
        return run
