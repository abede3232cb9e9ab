"""A broken environment is named for what it is, never "run srok init" (issue 8, items 13-15)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cli.app import run
from tests.cli.test_bad_input import _SERVER_NOISE


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SROK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    return tmp_path / "home"


def srok(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code = run([*args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, _SERVER_NOISE.sub("", err)


def test_a_read_only_database_is_read_and_a_write_is_refused_as_read_only(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert srok(capsys, "init")[0] == 0
    assert srok(capsys, "organ", "add", "Комитет по культуре")[0] == 0
    monkeypatch.setenv("SROK_DATABASE_URL", f"sqlite:///file:{home / 'srok.db'}?mode=ro&uri=true")

    read = srok(capsys, "status")
    code, written, err = srok(capsys, "organ", "add", "Комитет по спорту")

    assert read[0] == 0
    assert code == 1 and "Traceback" not in err
    assert written["error"]["field"] == "SROK_DATABASE_URL"
    assert "нет прав на запись" in written["error"]["message"]
    assert "srok init" not in written["error"]["message"]


@pytest.mark.parametrize("place", ["/proc/srok-home", "/sys/srok-home"])
def test_init_where_nothing_can_be_written_names_the_folder(
    place: str, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SROK_HOME", place)

    code, data, err = srok(capsys, "init")

    assert code == 1 and "Traceback" not in err
    assert data["error"]["field"] == "SROK_HOME"
    assert place in data["error"]["message"]


def test_init_on_an_unreachable_postgresql_says_so(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SROK_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/srok")

    code, data, err = srok(capsys, "init")

    assert code == 1 and "Traceback" not in err
    assert data["error"]["field"] == "SROK_DATABASE_URL"
    assert "сервер базы данных недоступен" in data["error"]["message"]


def test_a_read_only_command_does_not_create_a_missing_home(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["status"], ["account", "show", "1"], ["outbox", "list"], ["audit", "verify"]):
        code, data, _ = srok(capsys, *command)

        assert code == 2, command
        assert "srok init" in data["error"]["message"]
    assert not home.exists()


def test_a_calendar_year_far_out_of_range_is_refused_at_once(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    (home / "calendar.toml").write_text('[99999]\ndecree = "x"\n', encoding="utf-8")

    started = time.perf_counter()
    code, data, _ = srok(capsys, "calendar", "due", "2026-11-20", "3")

    assert code == 2
    assert "вне диапазона" in data["error"]["message"]
    assert time.perf_counter() - started < 2
