"""`srok required add/list` (п. 1.2) and `srok protection confirm` (п. 1.6), in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.app import run

ENV = {"SROK_TODAY": "2026-12-01", "SROK_ACTOR": "it-dept"}
CLEARED = ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG", "SROK_PROTECTION_DAYS")


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**ENV, "SROK_HOME": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    for args in (
        ["init"],
        ["organ", "add", "Комитет по культуре", "--email", "k@example.invalid"],
        ["account", "create", "--organ", "1", "--url", "https://vk.com/kultura_nvl", "--created-on", "01.09.2026"],
    ):  # fmt: skip
        assert run(args) == 0, args
    return tmp_path


def test_a_required_account_is_listed_missing_until_the_organ_creates_it(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["required", "add", "--organ", "1", "--network", "ok", "--resolution", "1520",
           "--resolution-date", "12.10.2026", "--due", "30.11.2026"]  # fmt: skip

    assert run(add) == 0
    assert run(["required", "list", "--missing"]) == 0
    before = capsys.readouterr().out
    assert run(["account", "create", "--organ", "1", "--url", "https://ok.ru/kultura_nvl",
                "--created-on", "01.12.2026"]) == 0  # fmt: skip
    capsys.readouterr()
    assert run(["required", "list", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)

    assert "Комитет по культуре, Одноклассники, постановление № 1520 от 12.10.2026" in before
    assert "НЕ СОЗДАН, срок истёк" in before
    assert [(r["missing"], r["account_id"]) for r in after] == [(False, 2)]


def test_protection_is_confirmed_once_a_quarter(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    confirm = ["protection", "confirm", "--account", "1", "--two-factor", "--people", "2",
               "--credentials-kept", "сейф кабинета 12"]  # fmt: skip

    first = run([*confirm, "--json"])
    out = json.loads(capsys.readouterr().out)
    second = run([*confirm, "--json"])
    error = json.loads(capsys.readouterr().out)["error"]

    assert first == 0 and out == {"account_id": 1, "quarter": "2026Q4", "on": "2026-12-01"}
    assert second == 2 and error["field"] == "--quarter" and error["clause"] == "1.6"
