"""Upgrades keep data: a database at every revision, with a row in every table, reaches the head.

The revisions are walked from the migrations folder, so a migration added
later (0008_..., 0009_...) is tested without touching this file. The rows are
made from each revision's own reflected schema (one a table, values by column
type, with the few values a CHECK constraint or a data migration needs), and
compared as raw column values before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from models.db import MIGRATIONS, _alembic_config, current_revision, make_engine, migrate
from services.app import SCHEMA_HEAD
from services.audit import append_many, head, verify_chain
from tests.conftest import DB_PARAMS, PG_URL, _postgres_engine

SCRIPTS = ScriptDirectory(str(MIGRATIONS))
REVISIONS = [r.revision for r in reversed(list(SCRIPTS.walk_revisions()))]
# Values a CHECK constraint or a data migration needs; every other column gets one by its type.
KNOWN: dict[tuple[str, str], Any] = {
    ("organ", "name"): "Комитет по культуре",
    ("account", "network"): "vk",
    ("account", "network_key"): "vk",  # derived from the network by 0005: as the app writes it
    ("account", "url"): "https://vk.com/novoaltaysk_kultura",
    ("account_address", "url"): "https://vk.com/novoaltaysk_kultura",
    ("reminder", "state"): "queued",
    ("web_user", "role"): "it",
    ("access_grant", "slot"): 1,
    ("comment", "network"): "vk",
    ("comment", "state"): "flagged",
    ("comment", "flags"): '[{"category": "spam", "fragment": "купи", "rule": "spam.ad"}]',
}
BY_TYPE: dict[type, Any] = {
    int: 1,
    bool: True,
    date: date(2026, 11, 20),
    datetime: datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
    float: 1.0,
}


@pytest.fixture(params=DB_PARAMS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
    else:
        assert PG_URL
        yield from _postgres_engine([])


def _value(table: str, column: sa.Column[Any]) -> Any:
    if (table, column.name) in KNOWN:
        return KNOWN[(table, column.name)]
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind in BY_TYPE:
        return BY_TYPE[kind]
    return f"{column.name}-1"[: getattr(column.type, "length", None) or None]


Rows = dict[str, list[tuple[Any, ...]]]


def seed(engine: sa.Engine) -> tuple[dict[str, list[str]], Rows]:
    """Put one row in every table the schema has now (the audit chain: three linked entries).

    Return each table's columns at this revision, and the rows as the driver reads them.
    """
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name in ("alembic_version", "audit_entry"):
                continue
            conn.execute(table.insert(), {c.name: _value(table.name, c) for c in table.columns})
        if "audit_entry" in metadata.tables:
            append_many(
                conn,
                [
                    {"action": "create", "entity": "organ", "actor": "тест", "organ_id": 1},
                    {"action": "create", "entity": "account", "actor": "тест", "account_id": 1},
                    {"action": "notice", "entity": "step", "actor": "тест", "clause": "3.1"},
                ],
            )
    columns = {
        t.name: [c.name for c in t.columns]
        for t in metadata.sorted_tables
        if t.name != "alembic_version"
    }
    return columns, raw_rows(engine, columns)


def raw_rows(engine: sa.Engine, columns: dict[str, list[str]]) -> Rows:
    """The given columns of the given tables, as the driver returns them, in id order."""
    rows = {}
    with engine.connect() as conn:
        for table, names in columns.items():
            listed = ", ".join(f'"{n}"' for n in names)
            order = "id" if "id" in names else listed
            rows[table] = [
                tuple(r)
                for r in conn.exec_driver_sql(f'SELECT {listed} FROM "{table}" ORDER BY {order}')
            ]
    return rows


def test_the_revisions_walked_end_at_the_head_the_app_expects() -> None:
    assert REVISIONS[-1] == SCHEMA_HEAD
    assert SCRIPTS.get_revision(REVISIONS[0]).down_revision is None


@pytest.mark.parametrize("revision", REVISIONS[:-1])
def test_a_database_at_an_old_revision_keeps_every_row_when_upgraded_to_the_head(
    empty: sa.Engine, revision: str
) -> None:
    migrate(empty, revision)
    columns, before = seed(empty)

    migrate(empty)

    assert current_revision(empty) == SCHEMA_HEAD
    after = raw_rows(empty, columns)  # the head may add columns: the old ones keep their values
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before
    assert all(before.values())  # every table had a row to keep


@pytest.mark.parametrize(
    "revision", [r for r in REVISIONS if SCRIPTS.get_revision(r).down_revision]
)
def test_a_database_with_data_goes_down_one_step(empty: sa.Engine, revision: str) -> None:
    previous = SCRIPTS.get_revision(revision).down_revision
    migrate(empty, revision)
    _, before = seed(empty)

    command.downgrade(_alembic_config(empty), "-1")

    assert current_revision(empty) == previous
    remaining = set(sa.inspect(empty).get_table_names()) - {"alembic_version"}
    with empty.connect() as conn:
        counts = {
            t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in remaining
        }
    assert counts == {t: len(before[t]) for t in remaining}


def test_the_audit_chain_verifies_across_every_upgrade_after_it_began(empty: sa.Engine) -> None:
    first = next(r for r in REVISIONS if "audit_entry" in _tables_at(r))
    migrate(empty, first)
    seed(empty)
    with empty.connect() as conn:
        before = head(conn)

    migrate(empty)

    verdict = verify_chain(empty)
    assert verdict.ok, verdict.words
    assert (verdict.entries, verdict.head_id, verdict.head_hash) == (3, *before)


def _tables_at(revision: str) -> str:
    """The source of a migration: enough to find the one that creates a table."""
    module = SCRIPTS.get_revision(revision).module
    return Path(module.__file__ or "").read_text(encoding="utf-8")


def test_srok_init_on_an_old_database_says_from_which_revision_to_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.app import run

    engine = make_engine(f"sqlite:///{tmp_path / 'srok.db'}")
    migrate(engine, REVISIONS[-2])
    seed(engine)
    engine.dispose()
    for name in ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SROK_HOME", str(tmp_path))

    code = run(["init"])
    again = run(["init"])

    first, second = capsys.readouterr().out.splitlines()
    assert (code, again) == (0, 0)
    assert f"обновлена с ревизии {REVISIONS[-2]} до {SCHEMA_HEAD}" in first
    assert "обновлена" not in second
