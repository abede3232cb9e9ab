"""prefect.yaml deploys offline to a local server, and a worker runs the deployment for real."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_database

ROOT = Path(__file__).parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _env(home: Path) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "SROK_CHECKOUT": str(ROOT),
        "SROK_HOME": str(home),
        "SROK_TODAY": "2026-12-01",  # a sweep never runs ahead of today
        "DO_NOT_TRACK": "1",
    }


def _prefect(env: dict[str, str], *args: str, timeout: int = 120) -> str:
    done = subprocess.run(
        [PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _deployment(name: str = "deadline-sweep/daily") -> Any:
    from prefect.client.orchestration import get_client

    async def read() -> Any:
        async with get_client() as client:
            return await client.read_deployment_by_name(name)

    return asyncio.run(read())


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Deploy prefect.yaml once for the module: every test reads the same deployments."""
    env = _env(tmp_path_factory.mktemp("deployed"))
    _prefect(env, "work-pool", "create", "srok", "--type", "process", "--overwrite")
    _prefect(env, "--no-prompt", "deploy", "--all")
    return env


SCHEDULES = {
    "deadline-sweep/daily": "0 9 * * *",
    "publish-registry/quarterly": "0 10 20 1,4,7,10 *",
    "check-site-links/daily": "0 8 * * *",
    "compliance-report/weekly": "0 8 * * 1",
    "moderation-sync/working-hours": "*/30 8-19 * * 1-6",
}


@pytest.mark.parametrize(("name", "cron"), sorted(SCHEDULES.items()))
def test_every_flow_deploys_on_its_schedule_in_the_city_zone(
    deployed: dict[str, str], name: str, cron: str
) -> None:
    deployment = _deployment(name)

    schedules = {(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules}
    assert (cron, "Asia/Barnaul") in schedules
    assert len(schedules) == (2 if name.startswith("moderation-sync") else 1)  # and 20:00
    assert deployment.work_pool_name == "srok"
    assert set(deployment.tags) == {"srok", name.partition("/")[0]}
    assert deployment.global_concurrency_limit.limit == 1  # two runs never at once


def test_a_second_deploy_keeps_the_same_deployment(deployed: dict[str, str]) -> None:
    first = _deployment().id

    _prefect(deployed, "--no-prompt", "deploy", "--all")

    assert _deployment().id == first


def test_a_worker_runs_the_deployment_on_the_city_data(
    deployed: dict[str, str], demo_template: Path
) -> None:
    home = Path(deployed["SROK_HOME"])
    copy_database(demo_template, home)

    _prefect(deployed, "deployment", "run", "deadline-sweep/daily", "--param", "as_of=2026-12-01")
    _prefect(deployed, "worker", "start", "--pool", "srok", "--run-once", timeout=180)

    assert len(list((home / "outbox").glob("*.eml"))) == 8  # 7 + п. 1.6 of the demo city
