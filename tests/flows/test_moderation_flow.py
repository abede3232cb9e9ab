"""The moderation-sync flow on the test Prefect server, its networks served by local fakes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.app import Srok
from services.settings import Settings
from tests.conftest import copy_database
from tests.flows.records import run_records
from tests.services.moderation_city import PHONE, Nets, fill, running_nets

TUESDAY = date(2026, 12, 1)


@pytest.fixture
def nets(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nets]:
    copy_database(sqlite_template, tmp_path)
    for running in running_nets():
        app = Srok(
            dataclasses.replace(
                Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TUESDAY
            )
        )
        with app.transaction() as session:
            fill(session, app.calendar, running)
        app.close()
        monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
        monkeypatch.delenv("SROK_MODERATION_DAYS", raising=False)
        env = {
            "SROK_HOME": str(tmp_path),
            "SROK_VK_API_URL": running.vk.url + "/method",
            "SROK_VK_TOKEN": running.vk.token,
            "SROK_OK_API_URL": running.ok.url + "/fb.do",
            "SROK_OK_APP_KEY": running.ok.app_key,
            "SROK_OK_SECRET": running.ok.secret,
            "SROK_OK_TOKEN": running.ok.token,
            "SROK_TELEGRAM_URL": running.telegram.url,
            "SROK_MAX_API_URL": running.max.url,
            "SROK_MAX_TOKEN": running.max.token,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield running


def test_a_run_on_a_working_day_queues_the_flagged_comments_and_leaves_counts_by_organ(
    nets: Nets,
) -> None:
    from flows.moderation_sync import moderation_sync

    state = moderation_sync(as_of=TUESDAY, return_state=True)

    result: dict[str, Any] = state.result()
    assert state.is_completed()
    assert result["totals"]["new"] == 11 and result["totals"]["flagged"] == 8
    artifacts, _ = run_records(state.state_details.flow_run_id)
    [table] = [a for a in artifacts if a.key == "moderation-sync"]
    rows = json.loads(str(table.data))
    culture = next(r for r in rows if r["орган"] == "Комитет по культуре")
    assert culture["в очередь (п. 2.5)"] == 8 and culture["аккаунтов прочитано"] == 3
    said = json.dumps(rows, ensure_ascii=False)
    assert PHONE not in said and "нахуй" not in said


def test_a_holiday_on_a_weekday_reads_nothing(nets: Nets) -> None:
    from flows.moderation_sync import moderation_sync

    result = moderation_sync(as_of=date(2027, 1, 4))  # a Monday of the New Year holidays

    assert result == {"skipped": "2027-01-04"}
    assert nets.vk.requests == []


def test_a_network_that_refuses_srok_ends_the_run_red(nets: Nets) -> None:
    from flows.moderation_sync import moderation_sync

    nets.vk.faults.append("token")

    state = moderation_sync(as_of=TUESDAY, return_state=True)

    assert state.is_failed()
    assert "токен" in (state.message or "")
