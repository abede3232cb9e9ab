"""Where a command's flow runs go: PREFECT_API_URL, else a server answering locally, else a temporary one."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flows.local import answers, choose_server, flow_runs_here
from tests.conftest import copy_database
from tests.flows.test_sweep_by_hand import forget_runs
from tests.notifications.conftest import free_port


def _stand_in(body: bytes) -> Iterator[int]:
    """Serve ``body`` on every GET from 127.0.0.1, on a port of its own; yield the port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def healthy() -> Iterator[int]:
    yield from _stand_in(b"true")


@pytest.fixture
def other_program() -> Iterator[int]:
    yield from _stand_in(b"<html>not prefect</html>")


def test_a_health_check_that_answers_true_is_taken_for_a_prefect_server(healthy: int) -> None:
    assert answers("127.0.0.1", healthy)


def test_a_closed_port_or_another_program_is_not_taken_for_one(other_program: int) -> None:
    assert not answers("127.0.0.1", free_port())
    assert not answers("127.0.0.1", other_program)


def test_without_an_api_url_a_server_answering_locally_is_used(
    healthy: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_PORT", str(healthy))

    server = choose_server()

    assert server.how == "found"
    assert os.environ["PREFECT_API_URL"] == f"http://127.0.0.1:{healthy}/api"
    assert f"http://127.0.0.1:{healthy}" in server.said()


def test_an_api_url_wins_and_nothing_answering_means_a_temporary_server(
    healthy: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_PORT", str(healthy))
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example.invalid/api")
    named = choose_server()
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_PORT", str(free_port()))

    nobody = choose_server()

    assert (named.how, named.api_url) == ("env", "http://prefect.example.invalid/api")
    assert (nobody.how, nobody.api_url) == ("temporary", None)
    assert "PREFECT_API_URL" not in os.environ
    assert "временный сервер" in nobody.said() and "make serve" in nobody.said()


def test_runs_here_go_to_the_chosen_server_without_a_heartbeat_though_prefect_was_loaded(
    healthy: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import get_current_settings  # loaded: the session's server is set

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_PORT", str(healthy))

    with flow_runs_here(choose_server()):
        inside = get_current_settings()

    assert inside.api.url == f"http://127.0.0.1:{healthy}/api"
    assert inside.flows.heartbeat_frequency is None
    assert get_current_settings().api.url != inside.api.url  # only for the runs inside


def test_srok_sweep_without_an_api_url_runs_on_the_server_already_running_without_importing_prefect(
    tmp_path: Path, demo_template: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    copy_database(demo_template, tmp_path)
    api = urlsplit(PREFECT_API_URL.value())  # the session's test server, as `make serve` would be
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")},
        "SROK_HOME": str(tmp_path),
        "SROK_TODAY": "2026-12-01",
        "SROK_NOTIFIER": "outbox",
        "PREFECT_PORT": str(api.port),
        "PREFECT_HOME": str(tmp_path / "prefect"),  # a temporary server would put its db here
    }
    env.pop("SROK_DATABASE_URL", None)

    done = subprocess.run(
        # -X importtime lists every module the command imports, on stderr
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "cli",
            "sweep",
            "--as-of",
            "2026-12-01",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert (
        len(json.loads(done.stdout)["sent"]) == 8
    )  # 7 + п. 1.6, as tests/flows/test_deadline_sweep.py
    assert f"работающем сервере http://127.0.0.1:{api.port}" in done.stderr
    assert "Starting temporary server" not in done.stderr
    assert not (tmp_path / "prefect" / "prefect.db").exists()
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert "cli.sweep_commands" in imported and "flows.sweep_by_hand" in imported
    assert not {m for m in imported if m.split(".")[0] == "prefect"}  # reported over REST

    async def manual_runs() -> list[object]:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

        async with get_client() as client:
            return list(
                await client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=["manual"]))
                )
            )

    runs = asyncio.run(manual_runs())
    forget_runs(str(PREFECT_API_URL.value()), "manual")
    assert [r.state_name for r in runs] == ["Completed"]  # type: ignore[attr-defined]


def test_a_found_server_is_reported_over_rest_unless_srok_prefect_rest_is_0(
    healthy: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_PORT", str(healthy))
    found = choose_server()
    monkeypatch.setenv("SROK_PREFECT_REST", "0")
    off = choose_server()
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_PORT", str(free_port()))

    nobody = choose_server()

    assert found.by_rest and not off.by_rest
    assert off.api_url == found.api_url  # the flow still runs on that server, in this process
    assert not nobody.by_rest


def test_srok_demo_reports_each_days_sweep_to_the_running_server_without_importing_prefect(
    tmp_path: Path,
) -> None:
    import httpx
    from prefect.settings import PREFECT_API_URL

    api = urlsplit(PREFECT_API_URL.value())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")},
        "SROK_HOME": str(tmp_path),
        "SROK_TODAY": "2026-12-01",
        "PREFECT_PORT": str(api.port),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    env.pop("SROK_DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cli", "demo", "--reset", "--sweep-days", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("по графику") == 2
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert "flows.sweep_by_hand" in imported
    assert not {m for m in imported if m.split(".")[0] == "prefect"}
    body = {"flow_runs": {"tags": {"all_": ["srok", "demo"]}}}
    runs = httpx.post(f"{PREFECT_API_URL.value()}/flow_runs/filter", json=body).json()
    forget_runs(str(PREFECT_API_URL.value()), "demo")
    assert len(runs) == 2 and {r["state_type"] for r in runs} == {"COMPLETED"}
    assert len({r["parameters"]["as_of"] for r in runs}) == 2  # one run a day


def test_a_server_that_refuses_the_runs_report_stops_srok_sweep_before_anything_is_sent(
    healthy: int, tmp_path: Path, demo_template: Path
) -> None:
    copy_database(demo_template, tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")},
        "SROK_HOME": str(tmp_path),
        "SROK_TODAY": "2026-12-01",
        "SROK_NOTIFIER": "outbox",
        "PREFECT_PORT": str(healthy),  # answers its health check, refuses every POST (501)
    }
    env.pop("SROK_DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-m", "cli", "sweep", "--as-of", "2026-12-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "сервер Prefect отклонил POST /flows/: 501" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "outbox").exists()
