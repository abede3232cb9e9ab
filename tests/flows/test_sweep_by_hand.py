"""A sweep run by hand and reported over REST: on the real (test) server, as the flow would be."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from flows.prefect_rest import reported_run
from flows.sweep_by_hand import sweep_by_hand
from services.app import Srok
from tests.conftest import copy_database
from tests.flows.records import flush_run_logs, leaks, personal_data
from tests.flows.test_deadline_sweep import _no_backoff
from tests.notifications.conftest import free_port


@pytest.fixture
def api() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_template: Path) -> Path:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SROK_NOTIFIER", "outbox")
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    copy_database(demo_template, tmp_path)
    return tmp_path


def forget_runs(api: str, tag: str) -> None:
    """Delete the runs tagged ``tag``: the session's server is shared with `srok doctor`'s
    tests, which expect no sweep under `deadline-sweep/daily` yet."""
    with httpx.Client(base_url=api) as client:
        body = {"flow_runs": {"tags": {"all_": [tag]}}}
        for run in client.post("/flow_runs/filter", json=body).json():
            for wait in (0.2, 0.5, 1, 2, 4, 0):  # a busy SQLite server answers 503: retry
                gone = client.delete(f"/flow_runs/{run['id']}")
                if gone.status_code != 503:
                    break
                time.sleep(wait)
            assert gone.status_code in (204, 404), gone.text


@pytest.fixture(autouse=True)
def _forgotten(api: str) -> Iterator[None]:
    yield
    forget_runs(api, "by-hand")


@pytest.fixture
def daily(api: str) -> str:
    """The deployment `deadline-sweep/daily` on the server, as `prefect deploy` leaves it."""
    with httpx.Client(base_url=api) as client:
        found = client.get("/deployments/name/deadline-sweep/daily")
        if found.status_code == 200:
            return str(found.json()["id"])
        flow = client.post("/flows/", json={"name": "deadline-sweep"}).json()
        made = client.post("/deployments/", json={"name": "daily", "flow_id": flow["id"]})
        made.raise_for_status()
        return str(made.json()["id"])


def _only_run(api: str, tag: str) -> dict[str, Any]:
    with httpx.Client(base_url=api) as client:
        body = {"flow_runs": {"tags": {"all_": [tag]}}}
        runs = client.post("/flow_runs/filter", json=body).json()
    assert len(runs) == 1, runs
    return dict(runs[0])


def _records(api: str, flow_run_id: str) -> tuple[dict[str, str], list[str]]:
    """The run's artifacts (key -> data as text) and log lines, as the UI reads them."""
    with httpx.Client(base_url=api) as client:
        only = {"flow_run_id": {"any_": [flow_run_id]}}
        artifacts = client.post("/artifacts/filter", json={"artifacts": only}).json()
        logs = client.post("/logs/filter", json={"logs": only}).json()
    return (
        {
            a["key"]: a["data"] if isinstance(a["data"], str) else json.dumps(a["data"])
            for a in artifacts
        },
        [line["message"] for line in logs],
    )


def test_a_sweep_by_hand_shows_under_its_deployment_with_parameters_artifacts_logs_and_state(
    api: str, daily: str, city: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    ok, result = sweep_by_hand(
        api, as_of=date(2026, 12, 1), dry_run=False, tags=["by-hand", "by-hand-green"]
    )

    assert ok and result["due"] == 8 and len(result["sent"]) == 8  # 7 + п. 1.6
    run = _only_run(api, "by-hand-green")
    assert run["deployment_id"] == daily
    assert run["parameters"] == {"as_of": "2026-12-01", "dry_run": False}
    assert run["state_type"] == "COMPLETED"
    with httpx.Client(base_url=api) as client:
        only = {"flow_runs": {"id": {"any_": [run["id"]]}}}
        tasks = client.post("/task_runs/filter", json=only).json()
    assert {(t["task_key"], t["state_type"]) for t in tasks} == {
        ("plan-reminders", "COMPLETED"),
        ("deliver-reminders", "COMPLETED"),
        ("anchor-audit-head", "COMPLETED"),
        ("publish-report", "COMPLETED"),
    }
    artifacts, logs = _records(api, run["id"])
    # the same keys as the flow's (tests/flows/test_deadline_sweep.py)
    assert set(artifacts) == {"deadline-sweep-open-steps", "deadline-sweep-summary"}
    assert "Комитет по образованию" in json.dumps(
        json.loads(artifacts["deadline-sweep-open-steps"]), ensure_ascii=False
    )
    assert "на 2026-12-01: напоминаний по графику 8, новых в очереди 8" in logs
    assert "отправлено напоминаний: 8" in logs
    with Srok().transaction() as session:
        secrets = personal_data(session)
        actors = session.execute(
            sa.text("SELECT DISTINCT actor FROM audit_entry WHERE action LIKE 'reminder.%'")
        ).all()
    assert f"prefect:deadline-sweep/{run['name']}" in {a for (a,) in actors}
    published = "\n".join(
        [*logs, *artifacts.values(), *(r.getMessage() for r in caplog.records), json.dumps(result)]
    )
    assert len(secrets) >= 20 and leaks(secrets, published) == []


def test_a_second_run_by_hand_sends_nothing_again(api: str, daily: str, city: Path) -> None:
    sweep_by_hand(api, as_of=date(2026, 12, 1), dry_run=False, tags=["by-hand", "by-hand-once"])

    ok, again = sweep_by_hand(
        api, as_of=date(2026, 12, 1), dry_run=False, tags=["by-hand", "by-hand-twice"]
    )

    assert ok and again["queued"] == 0 and again["sent"] == [] and again["sent_before"] == 8
    assert len(list((city / "outbox").glob("*.eml"))) == 8


def test_a_dead_mail_server_ends_the_run_by_hand_failed_with_the_flows_message(
    api: str, daily: str, city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services import sweep

    monkeypatch.setenv("SROK_NOTIFIER", "smtp")
    monkeypatch.setenv("SROK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SROK_SMTP_PORT", str(free_port()))  # nobody listens
    monkeypatch.setenv("SROK_SMTP_SECURITY", "none")
    monkeypatch.setattr(sweep, "deliver", _no_backoff(sweep.deliver))

    ok, result = sweep_by_hand(
        api, as_of=date(2026, 12, 1), dry_run=False, tags=["by-hand", "by-hand-red"]
    )

    run = _only_run(api, "by-hand-red")
    assert not ok and run["state_type"] == "FAILED"
    assert "не доставлены напоминания" in run["state"]["message"]
    assert "Причина (канал smtp): SMTP: нет соединения с 127.0.0.1" in run["state"]["message"]
    assert result["message"] == run["state"]["message"]
    _, logs = _records(api, run["id"])
    assert run["state"]["message"] in logs


def test_a_day_off_by_hand_is_skipped_and_completed(api: str, daily: str, city: Path) -> None:
    ok, result = sweep_by_hand(
        api, as_of=date(2026, 11, 28), dry_run=False, tags=["by-hand", "by-hand-off"]
    )

    run = _only_run(api, "by-hand-off")
    assert ok and result["skipped_day_off"] and run["state_type"] == "COMPLETED"
    assert not (city / "outbox").exists()


def test_an_error_inside_a_run_by_hand_leaves_it_crashed_without_the_errors_text(
    api: str,
) -> None:
    with (
        pytest.raises(RuntimeError),
        reported_run(
            api,
            flow_name="deadline-sweep",
            deployment_name=None,
            parameters={},
            tags=["by-hand", "by-hand-crash"],
        ) as run,
    ):
        run.info("начало")
        with run.task("plan-reminders"):
            raise RuntimeError("Иванов Иван Иванович")  # what an error might quote

    crashed = _only_run(api, "by-hand-crash")
    assert crashed["state_type"] == "CRASHED"
    assert crashed["state"]["message"] == "запуск прерван: RuntimeError"
    _, logs = _records(api, crashed["id"])
    assert logs == ["начало", "запуск прерван: RuntimeError"]
    with httpx.Client(base_url=api) as client:
        only = {"flow_runs": {"id": {"any_": [crashed["id"]]}}}
        (task,) = client.post("/task_runs/filter", json=only).json()
    assert (task["task_key"], task["state_type"]) == ("plan-reminders", "FAILED")
    assert "Иванов" not in json.dumps(crashed) + json.dumps(task)


def test_the_report_authorises_as_prefects_client_does() -> None:
    from flows.prefect_rest import auth_headers

    both = auth_headers({"PREFECT_API_AUTH_STRING": "admin:pass", "PREFECT_API_KEY": "k"})
    key = auth_headers({"PREFECT_API_KEY": "k"})

    assert both == {"Authorization": "Basic YWRtaW46cGFzcw=="}
    assert key == {"Authorization": "Bearer k"}
    assert auth_headers({}) == {}


def test_a_run_by_hand_leaves_what_the_flow_leaves(
    api: str,
    city: Path,
    tmp_path_factory: pytest.TempPathFactory,
    demo_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.deadline_sweep import deadline_sweep

    state = deadline_sweep(as_of=date(2026, 12, 1), return_state=True)
    flow_run = str(state.state_details.flow_run_id)
    flush_run_logs()
    other = tmp_path_factory.mktemp("by-hand-city")
    copy_database(demo_template, other)
    monkeypatch.setenv("SROK_HOME", str(other))

    sweep_by_hand(api, as_of=date(2026, 12, 1), dry_run=False, tags=["by-hand", "by-hand-same"])

    by_hand = _only_run(api, "by-hand-same")["id"]
    (flow_artifacts, flow_logs), (our_artifacts, our_logs) = (
        _records(api, flow_run),
        _records(api, by_hand),
    )
    assert set(flow_artifacts) == set(our_artifacts)
    assert flow_artifacts["deadline-sweep-summary"] == our_artifacts["deadline-sweep-summary"]
    flows_own = [line for line in flow_logs if not line.startswith(("Beginning", "Finished"))]
    # the audit head's hash differs: each run is its own actor in the chain
    assert len(flows_own) >= 3
    assert [x.rpartition(":")[0] for x in flows_own] == [x.rpartition(":")[0] for x in our_logs]
    assert _task_names(api, flow_run) == _task_names(api, by_hand)


def _task_names(api: str, flow_run_id: str) -> list[str]:
    """The run's tasks by name, without the suffix that makes each run's name unique."""
    with httpx.Client(base_url=api) as client:
        body = {"flow_runs": {"id": {"any_": [flow_run_id]}}}
        tasks = client.post("/task_runs/filter", json=body).json()
    return sorted(t["name"].rsplit("-", 1)[0] for t in tasks)


def test_a_busy_server_is_asked_again_as_prefects_client_does() -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from flows.prefect_rest import _call

    answers = [503, 503, 200]

    class Busy(BaseHTTPRequestHandler):  # a SQLite-backed server while its database is locked
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0)
            body = b'{"id": "1"}' if status == 200 else b'{"exception_message": "locked"}'
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.server_address[1]}/api") as client:
            made = _call(client, "POST", "/flows/", {"name": "deadline-sweep"})
    finally:
        server.shutdown()
        server.server_close()

    assert made == {"id": "1"} and answers == []
