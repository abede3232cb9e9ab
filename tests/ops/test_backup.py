"""Back up a working city, keep working, restore: every table and the audit head come back."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cli.app import run
from domain.errors import EnvironmentFault, RuleViolation
from services import backup_postgres
from services.accounts import add_organ
from services.app import Srok
from services.backup import make_backup, restore_backup
from services.demo import build_demo
from services.settings import Settings
from tests.conftest import DB_PARAMS
from tests.ops.databases import database_url, every_row

TODAY = date(2026, 12, 1)


def application(home: Path, url: str) -> Srok:
    env = {"SROK_HOME": str(home), "SROK_DATABASE_URL": url, "SROK_TODAY": TODAY.isoformat()}
    return Srok(Settings.from_env(env), actor="тест")


@contextmanager
def opened(home: Path, url: str) -> Iterator[Srok]:
    """An application whose connections are closed at the end (PostgreSQL counts them)."""
    app = application(home, url)
    try:
        yield app
    finally:
        app.close()


def use(monkeypatch: pytest.MonkeyPatch, home: Path, url: str) -> None:
    """Point the `srok` command at this home and database."""
    for name in ("SROK_CALENDAR_FILE", "SROK_ANCHOR_FILE", "SROK_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SROK_HOME", str(home))
    monkeypatch.setenv("SROK_DATABASE_URL", url)
    monkeypatch.setenv("SROK_TODAY", TODAY.isoformat())


def srok_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = run([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def add_an_organ(app: Srok, name: str) -> None:
    with app.transaction() as session:
        add_organ(session=session, name=name, actor="тест", today=TODAY)


@pytest.fixture(params=DB_PARAMS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def city(kind: str, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The demo city, built through the services on a fresh database of each kind."""
    home = tmp_path / "city"
    with database_url(kind, home) as url:
        app = application(home, url)
        app.init()
        build_demo(app)
        (home / "calendar.toml").write_text(
            '[2027]\ndecree = "проверка"\ndays_off = ["2027-01-08"]\n', encoding="utf-8"
        )
        app.close()
        yield home, url


def test_a_city_backed_up_then_changed_is_restored_as_it_was_at_the_backup(
    kind: str,
    city: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home, url = city
    before = every_row(url)
    use(monkeypatch, home, url)
    code, made = srok_json(capsys, "backup", "--out", str(tmp_path / "city.srok"))
    with opened(home, url) as app:
        add_an_organ(app, "Комитет после копии")
    assert every_row(url) != before  # work went on after the copy

    with database_url(kind, tmp_path / "restored") as target:
        use(monkeypatch, tmp_path / "restored", target)
        restored_code, restored = srok_json(capsys, "restore", str(tmp_path / "city.srok"))
        verify_code, verified = srok_json(capsys, "audit", "verify")
        after = every_row(target)

    assert (code, restored_code, verify_code) == (0, 0, 0)
    assert after == before
    assert restored["head_hash"] == made["head_hash"] == verified["head_hash"]
    assert restored["head_id"] == made["head_id"] == verified["head_id"] > 100
    assert made["database"] == ("sqlite" if kind == "sqlite" else "postgresql")
    assert (
        (tmp_path / "restored" / "calendar.toml").read_text(encoding="utf-8").startswith("[2027]")
    )
    assert stat.S_IMODE((tmp_path / "city.srok").stat().st_mode) == 0o600


def test_a_database_that_is_not_empty_is_refused_unless_forced(
    kind: str, city: tuple[Path, str], tmp_path: Path
) -> None:
    home, url = city
    copy = tmp_path / "city.srok"
    with opened(home, url) as app:
        made = make_backup(app, out=copy)
        add_an_organ(app, "Комитет после копии")
        changed = every_row(url)

        with pytest.raises(RuleViolation, match="--force"):
            restore_backup(app, source=copy)
        unchanged = every_row(url)
        forced = restore_backup(app, source=copy, force=True)

    assert unchanged == changed
    assert (forced.head_id, forced.head_hash) == (made.head_id, made.head_hash)
    assert "Комитет после копии" not in str(every_row(url)["organ"])


def test_a_backup_taken_while_srok_writes_is_consistent(
    kind: str, city: tuple[Path, str], tmp_path: Path
) -> None:
    home, url = city
    writer_app = application(home, url)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            add_an_organ(writer_app, f"Комитет № {len(written)}")
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        with opened(home, url) as app:
            made = make_backup(app, out=tmp_path / "busy.srok")
    finally:
        stop.set()
        writer.join()
        writer_app.close()

    with database_url(kind, tmp_path / "restored") as target:
        with opened(tmp_path / "restored", target) as restored_app:
            restored = restore_backup(restored_app, source=tmp_path / "busy.srok")
        organs = len(every_row(target)["organ"])

    assert (restored.head_id, restored.head_hash) == (made.head_id, made.head_hash)
    assert 5 + 3 <= organs <= 5 + len(written)


def test_the_secret_key_is_left_out_unless_asked_for(
    city: tuple[Path, str], tmp_path: Path
) -> None:
    home, url = city
    (home / "secret_key").write_text("k" * 64)
    with opened(home, url) as app:
        without = make_backup(app, out=tmp_path / "without.srok")
        with_key = make_backup(app, out=tmp_path / "with.srok", with_secret_key=True)

    assert "secret_key" not in without.files
    assert "secret_key" in with_key.files


def test_an_existing_file_is_never_overwritten(
    city: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, url = city
    (tmp_path / "old.srok").write_text("an older backup")
    use(monkeypatch, home, url)

    code = run(["backup", "--out", str(tmp_path / "old.srok")])

    assert code == 2
    assert (tmp_path / "old.srok").read_text() == "an older backup"


def test_a_file_that_is_not_a_backup_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a backup")
    use(monkeypatch, tmp_path / "home", f"sqlite:///{tmp_path / 'home' / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(tmp_path / "notes.txt"))

    assert code == 2
    assert "notes.txt" in data["error"]["message"]
    assert not (tmp_path / "home" / "srok.db").exists()


def test_a_missing_pg_dump_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(EnvironmentFault, match="apt-get install postgresql-client"):
        backup_postgres.tool("pg_dump", 15)


def test_a_pg_dump_older_than_the_server_says_which_version_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.16'\n")
    os.chmod(old, 0o755)
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(EnvironmentFault, match="postgresql-client-15") as caught:
        backup_postgres.tool("pg_dump", 15)

    assert "версии 13" in caught.value.message
    assert backup_postgres.tool("pg_dump", 13) == str(old)
