"""prefect.yaml says, where the IT department reads it, when each deployment runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOYMENTS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[1] / "prefect.yaml").read_text(encoding="utf-8")
)["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["entrypoint"])
def test_each_description_gives_the_time_and_the_city_zone_of_its_schedule(
    deployment: dict[str, Any],
) -> None:
    description = deployment["description"]

    for schedule in deployment["schedules"]:
        minute, hour, *_ = schedule["cron"].split()
        assert schedule["timezone"] == "Asia/Barnaul"
        assert f"{_first(hour):02d}:{_first(minute):02d}" in description
    assert "по времени Новоалтайска (Asia/Barnaul, UTC+7)" in description


def _first(field: str) -> int:
    """The first value a cron field takes: ``*/30`` is 0, ``8-19`` is 8 (the description's start)."""
    head = field.split("/")[0].split(",")[0]
    return 0 if head == "*" else int(head.split("-")[0])


def test_comments_are_read_every_half_hour_from_8_to_20_on_weekdays_in_the_city() -> None:
    (moderation,) = [
        d for d in DEPLOYMENTS if d["entrypoint"].startswith("flows/moderation_sync.py")
    ]

    crons = [s["cron"] for s in moderation["schedules"]]

    assert crons == ["*/30 8-19 * * 1-6", "0 20 * * 1-6"]
    assert moderation["concurrency_limit"] == 1
