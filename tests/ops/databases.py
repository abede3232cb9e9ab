"""A srok database of each kind for the operations tests: a SQLite home, or a PostgreSQL database.

PostgreSQL gets a whole database per test (not a schema), because pg_dump and
pg_restore and `srok init` work on databases, as they will on a city server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

import models.tables  # noqa: F401 (every table in the metadata)
from models.db import make_engine
from tests.conftest import PG_URL


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create an empty database on the test server; drop it afterwards, connections and all."""
    assert PG_URL
    name = f"srok_ops_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def database_url(kind: str, home: Path) -> Iterator[str]:
    """A URL for an empty srok database of ``kind`` (sqlite in ``home``, or postgres)."""
    if kind == "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{home / 'srok.db'}"
    else:
        with postgres_database() as url:
            yield url


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every srok table, in primary-key order: what a backup must bring back."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(
                        sa.select(table).order_by(*table.primary_key.columns)
                    ).all()
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()
