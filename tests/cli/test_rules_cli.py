"""`srok rules check` in-process on a temporary city whose networks are local fakes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.app import run
from tests.conftest import TODAY, copy_database
from tests.networks.city import Fakes, city, network_env, running_fakes

CLEARED = ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG", "SROK_MAX_TOKEN")


@pytest.fixture
def home(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dict[str, int], Fakes]]:
    from services.app import Srok
    from services.settings import Settings

    copy_database(sqlite_template, tmp_path)
    for fakes in running_fakes():
        app = Srok(
            dataclasses.replace(
                Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY
            ),
            actor="it-dept",
        )
        with app.transaction() as session:
            ids = city(session, app.calendar, fakes)
        app.close()
        for name in CLEARED:
            monkeypatch.delenv(name, raising=False)
        env = {"SROK_HOME": str(tmp_path), "SROK_TODAY": "2026-12-01", **network_env(fakes)}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield ids, fakes


def test_json_prints_one_object_per_account_and_rule_in_the_issue_shape(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    code = run(["rules", "check", "--week", "2026-W48", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(out) == 12
    short = next(o for o in out if o["account_id"] == ids["ok"] and o["rule"] == "2.1")
    assert short == {"account_id": ids["ok"], "rule": "2.1", "checked": True, "ok": False,
                     "week": "2026-W48", "posts": 6, "required": 8}  # fmt: skip
    phone = next(o for o in out if o["account_id"] == ids["ok"] and o["rule"] == "2.4")
    assert phone["missing"] == ["phone"]
    unchecked = next(o for o in out if o["account_id"] == ids["max"] and o["rule"] == "2.4")
    assert unchecked["checked"] is False and "SROK_MAX_TOKEN" in unchecked["reason"]


def test_the_default_week_is_the_one_that_ended_last(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    code = run(["rules", "check", "--account", str(ids["vk"])])

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "постоянные требования: 2026-W48 (неделя 23.11.2026–29.11.2026)",
        f"аккаунт {ids['vk']}, п. 2.1: 14 публикаций из 8 — выполнено: да",
        f"аккаунт {ids['vk']}, п. 2.4: описание полное",
    ]


def test_people_read_what_is_missing_in_russian(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    run(["rules", "check", "--account", str(ids["ok"])])

    out = capsys.readouterr().out
    assert "6 публикаций из 8 — выполнено: НЕТ" in out
    assert "в описании не хватает: телефон" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--week", "2026-48"], "--week"),
        (["--week", "2026-W49"], "--week"),
        (["--account", "999"], "--account"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    home: tuple[dict[str, int], Fakes],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    field: str,
) -> None:
    code = run(["rules", "check", *args, "--json"])

    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2
    assert error["field"] == field
