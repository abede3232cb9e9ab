"""Shared fixtures: the calendar, and a migrated database on SQLite (and PostgreSQL when set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from models.db import make_engine, migrate
from services.calendar_source import build_calendar

pytest_plugins = ["tests.site_server", "tests.browser_pw"]

PG_URL = os.environ.get("SROK_TEST_DATABASE_URL")
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return build_calendar(None)


def _postgres_engine() -> Iterator[sa.Engine]:
    """Give each test its own schema on the PostgreSQL server, dropped afterwards."""
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


DB_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="SROK_TEST_DATABASE_URL is not set"),
        ],
    ),
]


@pytest.fixture(params=DB_PARAMS)
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:  # type: ignore[no-untyped-def]
    """A migrated database: a real SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'srok.db'}")
        migrate(eng)
        yield eng
        eng.dispose()
    else:
        for eng in _postgres_engine():
            migrate(eng)
            yield eng


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
