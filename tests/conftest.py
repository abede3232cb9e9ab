"""Shared fixtures: the calendar, and a migrated database on SQLite (and PostgreSQL when set).

The migrations run once per session, not once per test: SQLite tests get a copy
of a migrated template file; PostgreSQL tests get a fresh schema built by
replaying the statements that migrating the template schema sent. The test that
migrates from scratch is tests/models/test_migrations.py.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy import event
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from models.db import make_engine, migrate
from services.calendar_source import build_calendar

pytest_plugins = ["tests.site_server", "tests.browser_pw", "tests.ldap_server"]

# Hypothesis judges examples by what they find, not by how fast a loaded 2-core machine
# runs them: its 200 ms deadline turned a busy CI into a flaky suite.
settings.register_profile("srok", deadline=None)
settings.load_profile("srok")

# A command that runs a flow uses a Prefect server answering on 127.0.0.1:PREFECT_PORT
# (4200 by default: someone's `make serve`). Tests must not send runs to a developer's
# server: nothing listens on port 1, so they get a temporary one unless a test says otherwise.
os.environ["PREFECT_PORT"] = "1"

PG_URL = os.environ.get("SROK_TEST_DATABASE_URL")
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return build_calendar(None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once; tests copy it (WAL checkpointed on dispose)."""
    path = tmp_path_factory.mktemp("template") / "srok.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    assert not path.with_name("srok.db-wal").exists()  # all of it is in the one file
    return path


def copy_database(template: Path, home: Path) -> Path:
    """Put a copy of a template database at ``home/srok.db`` (where SROK_HOME looks)."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / "srok.db"
    shutil.copyfile(template, target)
    return target


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The demo city (services.demo) built once as of 01.12.2026; tests copy its file."""
    from services.app import Srok
    from services.demo import build_demo
    from services.settings import Settings

    home = tmp_path_factory.mktemp("demo-template")
    copy_database(sqlite_template, home)
    app = Srok(
        dataclasses.replace(
            Settings.from_env({"SROK_HOME": str(home)}), today_override=date(2026, 12, 1)
        )
    )
    build_demo(app)
    app.engine.dispose()
    assert not (home / "srok.db-wal").exists()
    return home / "srok.db"


@pytest.fixture(scope="session")
def postgres_schema_sql() -> list[tuple[str, Any]]:
    """Migrate a template schema once and keep every statement that changed it."""
    assert PG_URL
    schema = f"tmpl_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, _m: bool) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "SHOW")):
            statements.append((statement, parameters))

    try:
        migrate(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    return statements


def _postgres_engine(statements: list[tuple[str, Any]] = ()) -> Iterator[sa.Engine]:  # type: ignore[assignment]
    """Give each test its own schema, built from the template's statements, dropped afterwards.

    Without statements the schema is empty: for tests that migrate it themselves.
    """
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as conn:
        cursor = conn.connection.cursor()  # replay exactly what the driver was given
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
        cursor.close()
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
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A migrated database: a copy of the SQLite template, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        path = copy_database(request.getfixturevalue("sqlite_template"), tmp_path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        yield from _postgres_engine(request.getfixturevalue("postgres_schema_sql"))


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
