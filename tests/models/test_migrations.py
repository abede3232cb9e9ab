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
        session.add(Organ(name="X", created_at=datetime(2026, 12, 1, 9, 0, tzinfo=barnaul)))
        session.commit()
        organ = session.get(Organ, 1)

    assert organ is not None
    assert organ.created_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert organ.created_at.tzinfo is not None
