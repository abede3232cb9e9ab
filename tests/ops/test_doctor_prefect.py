"""`srok doctor`'s Prefect checks against a real Prefect server with prefect.yaml deployed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.doctor import Finding
from services.doctor_prefect import check_prefect
from tests.flows.conftest import prefect_server  # noqa: F401 (the session's test server)
from tests.flows.test_deployments import _env, _prefect
from tests.notifications.conftest import free_port

PREFECT_YAML = Path(__file__).parents[2] / "prefect.yaml"


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def client_call(call: Callable[[Any], Awaitable[Any]]) -> Any:
    from prefect.client.orchestration import get_client

    async def go() -> Any:
        async with get_client() as client:
            return await call(client)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The test server, with the work pool and prefect.yaml's deployments."""
    env = _env(tmp_path_factory.mktemp("doctor-prefect"))
    _prefect(env, "work-pool", "create", "srok", "--type", "process", "--overwrite")
    _prefect(env, "--no-prompt", "deploy", "--all")
    return {"PREFECT_API_URL": env["PREFECT_API_URL"]}


def test_a_prefect_server_that_does_not_answer_is_an_error() -> None:
    env = {"PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}

    (finding,) = check_prefect(env, now=datetime.now(UTC))

    assert finding.level == "error"
    assert "не отвечает" in finding.text


def test_deployed_with_no_worker_and_no_sweep_yet(api: dict[str, str]) -> None:
    findings = by_check(check_prefect(api, now=datetime.now(UTC)))

    assert findings["prefect"].level == "ok"
    assert findings["deployments"].level == "ok"
    assert findings["worker"].level == "error"
    assert findings["sweep"].level == "warning"


def test_a_deployment_missing_from_the_server_is_named(api: dict[str, str]) -> None:
    expected = [{"name": "nightly", "entrypoint": "flows/x.py:x", "pool": "srok"}]

    findings = by_check(check_prefect(api, now=datetime.now(UTC), expected=expected))

    assert findings["deployments"].level == "error"
    assert "x/nightly" in findings["deployments"].text


def test_a_worker_that_polled_just_now_is_ok_and_a_silent_one_is_not(
    api: dict[str, str],
) -> None:
    client_call(lambda c: c.send_worker_heartbeat(work_pool_name="srok", worker_name="host-1"))

    now = by_check(check_prefect(api, now=datetime.now(UTC)))
    later = by_check(check_prefect(api, now=datetime(2099, 1, 1, tzinfo=UTC)))

    assert now["worker"].level == "ok"
    assert later["worker"].level == "error"
    assert "молчит" in later["worker"].text


def test_a_paused_schedule_is_a_warning(api: dict[str, str]) -> None:
    deployment = client_call(lambda c: c.read_deployment_by_name("compliance-report/weekly"))
    (schedule,) = deployment.schedules
    client_call(lambda c: c.update_deployment_schedule(deployment.id, schedule.id, active=False))
    try:
        findings = by_check(check_prefect(api, now=datetime.now(UTC)))
    finally:
        client_call(lambda c: c.update_deployment_schedule(deployment.id, schedule.id, active=True))

    assert findings["schedules"].level == "warning"
    assert "compliance-report/weekly" in findings["schedules"].text


def test_a_failed_last_sweep_is_an_error(api: dict[str, str]) -> None:
    from prefect.states import Completed, Failed

    deployment = client_call(lambda c: c.read_deployment_by_name("deadline-sweep/daily"))
    run = client_call(lambda c: c.create_flow_run_from_deployment(deployment.id))
    client_call(lambda c: c.set_flow_run_state(run.id, Failed(message="тест"), force=True))

    failed = by_check(check_prefect(api, now=datetime.now(UTC)))
    client_call(lambda c: c.set_flow_run_state(run.id, Completed(), force=True))
    completed = by_check(check_prefect(api, now=datetime.now(UTC)))

    assert failed["sweep"].level == "error"
    assert "FAILED" in failed["sweep"].text
    assert completed["sweep"].level == "ok"


def test_the_expected_deployments_are_read_from_prefect_yaml() -> None:
    from services.doctor_prefect import expected_deployments

    found = {(d["name"], d["entrypoint"], d["pool"]) for d in expected_deployments()}

    assert ("daily", "flows/deadline_sweep.py:deadline_sweep", "srok") in found
    assert len(found) == len(yaml.safe_load(PREFECT_YAML.read_text())["deployments"])
    assert ("weekly", "flows/standing_rules.py:standing_rules", "srok") in found
