"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from models.db import current_revision, head_revision
from services.app import SCHEMA_HEAD


def test_the_app_expects_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_the_migrated_schema_matches_the_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )

    assert diff == []
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
