"""The standing-rules flow on the test Prefect server, its networks served by local fakes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.app import Srok
from services.settings import Settings
from tests.conftest import copy_database
from tests.flows.records import run_records
from tests.networks.city import Fakes, city, network_env, running_fakes

MONDAY = date(2026, 11, 30)


@pytest.fixture
def fakes(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Fakes]:
    copy_database(sqlite_template, tmp_path)
    for running in running_fakes():
        app = Srok(
            dataclasses.replace(
                Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=MONDAY
            )
        )
        with app.transaction() as session:
            city(session, app.calendar, running)
        app.close()
        monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
        monkeypatch.delenv("SROK_MAX_TOKEN", raising=False)
        for name, value in {"SROK_HOME": str(tmp_path), **network_env(running)}.items():
            monkeypatch.setenv(name, value)
        yield running


def test_one_run_checks_every_account_and_leaves_a_table_by_organ(fakes: Fakes) -> None:
    from flows.standing_rules import standing_rules

    state = standing_rules(as_of=MONDAY, return_state=True)

    result: dict[str, Any] = state.result()
    assert state.is_completed()
    assert result["week"] == "2026-W48"
    culture, sport = result["organs"]
    assert culture["аккаунтов"] == 5 and culture["проверено"] == 2
    assert culture["недель меньше 8 публикаций (п. 2.1)"] == 1
    assert culture["неполных описаний (п. 2.4)"] == 1
    assert "нет токена (SROK_MAX_TOKEN)" in culture["не проверено и почему"]
    assert sport["неполных описаний (п. 2.4)"] == 1
    artifacts, _ = run_records(state.state_details.flow_run_id)
    assert sorted(a.key for a in artifacts) == ["standing-rules", "unnotified-accounts"]


def test_a_network_that_failed_as_a_whole_turns_the_run_red(fakes: Fakes) -> None:
    from flows.standing_rules import standing_rules

    fakes.vk.faults += ["500"] * 4

    state = standing_rules(as_of=MONDAY, return_state=True)

    assert state.is_failed()
    assert "ВКонтакте" in (state.message or "")
    assert "502" in (state.message or "")


def test_a_token_can_come_from_a_prefect_secret_block(fakes: Fakes) -> None:
    from prefect.blocks.system import Secret

    from domain.posting import IsoWeek
    from services.network_clients import open_clients

    Secret(value=fakes.vk.token).save("srok-vk-token", overwrite=True)
    env = {**network_env(fakes), "SROK_VK_TOKEN": "", "SROK_VK_TOKEN_BLOCK": "srok-vk-token"}

    clients = open_clients(env, per_second={"vk": 0})
    vk = clients.get("vk")
    assert vk is not None
    week = IsoWeek(2026, 48)
    found = vk.publications("https://vk.com/kultura_nvl", since=week.start(), until=week.end())
    clients.close()

    assert len(found) == 14
