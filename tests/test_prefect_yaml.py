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
        assert f"{int(hour):02d}:{int(minute):02d}" in description
    assert "по времени Новоалтайска (Asia/Barnaul, UTC+7)" in description
