"""One canonical address per account and one organ per name, held by unique indexes.

Existing rows are brought to the canonical forms first (domain.networks,
domain.text): vk.ru becomes vk.com, a path's case is folded where the network
ignores it, an account filed as ``other`` on a host srok knows gets its network.
If that shows two active accounts with one address, or two organs with one
name, or a second account of an organ in one network (п. 1.5), the upgrade
stops and names them: which one stays is the IT department's decision, not
the migration's.

Revision ID: 0005_input
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

from domain.errors import RuleViolation
from domain.networks import NETWORKS, account_address, network_key
from domain.text import name_key

revision = "0005_input"
down_revision = "0004"
branch_labels = None
depends_on = None


def _canonical(url: str, network: str | None) -> tuple[str | None, str]:
    """Return (network code, canonical url); an address that cannot be read stays as it is."""
    try:
        net, canonical = account_address(None, url)
    except RuleViolation:
        return network, url
    return net.code, canonical


def _stop(what: str, clashes: Mapping[Any, list[int]]) -> None:
    found = [f"{key}: {', '.join(map(str, ids))}" for key, ids in clashes.items() if len(ids) > 1]
    if found:
        raise RuleViolation(
            "database",
            f"обновление схемы остановлено: {what} — {'; '.join(found)}. "
            "Оставьте одну запись (например, active = false у лишнего аккаунта) "
            "и выполните `srok init` снова",
        )


def upgrade() -> None:
    bind = op.get_bind()

    # Added and indexed in place: rebuilding `organ` on SQLite (a batch operation) would
    # be refused by the foreign keys of a city's existing accounts.
    op.add_column(
        "organ",
        sa.Column("name_key", sa.String(length=500), nullable=False, server_default=""),
    )
    names: dict[str, list[int]] = defaultdict(list)
    for organ_id, name in bind.execute(sa.text("SELECT id, name FROM organ ORDER BY id")):
        key = name_key(name)
        names[key].append(organ_id)
        bind.execute(
            sa.text("UPDATE organ SET name_key = :key WHERE id = :id"), {"key": key, "id": organ_id}
        )
    _stop("органы с одним наименованием (id)", names)
    op.create_index("uq_organ_name_key", "organ", ["name_key"], unique=True)

    urls: dict[str, list[int]] = defaultdict(list)
    per_network: dict[tuple[int, str], list[int]] = defaultdict(list)
    accounts = bind.execute(
        sa.text("SELECT id, organ_id, network, url, active FROM account ORDER BY id")
    ).all()
    for account_id, organ_id, network, url, active in accounts:
        code, canonical = _canonical(url, network)
        key = network_key(NETWORKS[code or "other"], canonical)
        if active:
            urls[canonical].append(account_id)
            per_network[(organ_id, key)].append(account_id)
        bind.execute(
            sa.text(
                "UPDATE account SET url = :url, network = :network, network_key = :key "
                "WHERE id = :id"
            ),
            {"url": canonical, "network": code, "key": key, "id": account_id},
        )
    _stop("один адрес у нескольких действующих аккаунтов (id)", urls)
    _stop("несколько аккаунтов органа в одной сети, п. 1.5 (id)", per_network)
    for address_id, url in bind.execute(sa.text("SELECT id, url FROM account_address")).all():
        _, canonical = _canonical(url, None)
        if canonical != url:
            bind.execute(
                sa.text("UPDATE account_address SET url = :url WHERE id = :id"),
                {"url": canonical, "id": address_id},
            )

    op.create_index(
        "uq_account_url",
        "account",
        ["url"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("uq_account_url", table_name="account")
    op.drop_index("uq_organ_name_key", table_name="organ")
    with op.batch_alter_table("organ", schema=None) as batch_op:
        batch_op.drop_column("name_key")
