"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from models.db import current_revision, head_revision, make_engine, migrate
from services.app import SCHEMA_HEAD
from tests.conftest import DB_PARAMS, PG_URL, _postgres_engine


def test_the_app_expects_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def _diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        return list(
            compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        )


@pytest.fixture(params=DB_PARAMS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A database nothing has touched: the other tests get copies of a migrated template."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield eng
        eng.dispose()
    else:
        assert PG_URL
        yield from _postgres_engine([])


def test_migrating_from_scratch_gives_the_models(empty: sa.Engine) -> None:
    assert current_revision(empty) is None

    migrate(empty)

    assert _diff(empty) == []
    assert current_revision(empty) == SCHEMA_HEAD


def test_the_copies_tests_get_match_the_models_too(engine: sa.Engine) -> None:
    assert _diff(engine) == []
    assert current_revision(engine) == SCHEMA_HEAD


def test_instants_come_back_in_utc(engine: sa.Engine) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from sqlmodel import Session

    from models.tables import Organ

    barnaul = timezone(timedelta(hours=7))
    with Session(engine) as session:
        session.add(
            Organ(name="X", name_key="x", created_at=datetime(2026, 12, 1, 9, 0, tzinfo=barnaul))
        )
        session.commit()
        organ = session.get(Organ, 1)

    assert organ is not None
    assert organ.created_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert organ.created_at.tzinfo is not None


@pytest.fixture(params=DB_PARAMS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A database with no schema yet: SQLite, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'srok.db'}")
        yield eng
        eng.dispose()
    else:
        yield from _postgres_engine()


def _city_at_0004(engine: sa.Engine, accounts: list[tuple[int, str, str]]) -> None:
    """Migrate to 0004 and write organs and accounts as they could be stored then."""
    migrate(engine, "0004")
    with engine.begin() as conn:
        for organ_id, name in ((1, "Комитет по культуре"), (2, "Комитет по спорту")):
            conn.execute(
                sa.text("INSERT INTO organ (id, name, created_at) VALUES (:id, :name, :at)"),
                {"id": organ_id, "name": name, "at": "2026-11-20 00:00:00"},
            )
        for account_id, (organ_id, network, url) in enumerate(accounts, start=1):
            key = network if network != "other" else "other:" + url.split("/")[2]
            conn.execute(
                sa.text(
                    "INSERT INTO account (id, organ_id, network, network_key, url, created_on, "
                    "active, created_at) VALUES (:id, :organ, :network, :key, :url, "
                    "'2026-11-20', :active, '2026-11-20 00:00:00')"
                ),
                {
                    "id": account_id,
                    "organ": organ_id,
                    "network": network,
                    "key": key,
                    "url": url,
                    "active": True,
                },
            )
            conn.execute(
                sa.text(
                    "INSERT INTO account_address (account_id, url, valid_from) "
                    "VALUES (:id, :url, '2026-11-20')"
                ),
                {"id": account_id, "url": url},
            )


def test_the_upgrade_brings_stored_addresses_to_their_canonical_form(
    empty_engine: sa.Engine,
) -> None:
    engine = empty_engine

    _city_at_0004(
        engine,
        [
            (1, "vk", "https://vk.ru/Kultura"),
            (2, "other", "https://t.me/Sport_Nvl"),
            (2, "other", "https://pikabu.ru/@Sport"),
        ],
    )

    migrate(engine)

    with engine.connect() as conn:
        accounts = conn.execute(
            sa.text("SELECT network, network_key, url FROM account ORDER BY id")
        ).all()
        history = conn.execute(sa.text("SELECT url FROM account_address ORDER BY id")).scalars()
        keys = conn.execute(sa.text("SELECT name_key FROM organ ORDER BY id")).scalars().all()
        assert [tuple(a) for a in accounts] == [
            ("vk", "vk", "https://vk.com/kultura"),
            ("telegram", "telegram", "https://t.me/sport_nvl"),
            ("other", "other:pikabu.ru", "https://pikabu.ru/@Sport"),
        ]
        assert list(history) == [a[2] for a in accounts]
    assert keys == ["комитет по культуре", "комитет по спорту"]


def test_the_upgrade_stops_naming_two_accounts_with_one_address(empty_engine: sa.Engine) -> None:
    from domain.errors import RuleViolation

    engine = empty_engine

    _city_at_0004(engine, [(1, "vk", "https://vk.com/kultura"), (2, "vk", "https://vk.ru/Kultura")])

    with pytest.raises(RuleViolation) as error:
        migrate(engine)

    assert "https://vk.com/kultura: 1, 2" in error.value.message
