"""The multi-machine installation for real: a Prefect server on PostgreSQL, two workers.

As on a city server with a second worker host: a real Prefect server whose own
database is PostgreSQL, srok's database on PostgreSQL too, prefect.yaml's
deployments registered, and two process workers started as separate processes,
each in its own working directory and SROK_HOME. Several sweeps of different
days and a repeat of one are triggered at once, delivering to a local SMTP
server; then one worker is killed with SIGKILL (its whole process group: the
worker and the flow run it started) in the middle of a run, the run is
retried, and nothing is lost or doubled. Nothing is left running afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from models.db import make_engine
from services.app import Srok
from services.demo import build_demo
from services.settings import Settings
from tests.conftest import PG_URL
from tests.notifications.conftest import MailSink, free_port
from tests.ops.databases import postgres_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL, reason="SROK_TEST_DATABASE_URL is not set: needs a PostgreSQL server"
    ),
]

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
DAYS = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-01"]  # the last one a repeat
KILLED_DAY = "2026-12-04"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class SlowSink(MailSink):
    """The SMTP server's mailbox; with ``delay`` each message takes that long to accept."""

    delay: float = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Installation:
    api: str
    srok_url: str
    sink: SlowSink
    workers: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]


def _start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start a process in a session of its own, so it and its children can be killed at once."""
    with log.open("wb") as out:
        return subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Not inherited as ignored from a non-interactive shell (docs: prefect-3.md).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL what is left; wait for the leader."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    process.poll()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait(predicate: Any, what: str, timeout: float = 240.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"не дождались: {what}")


def _prefect(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(BIN / "prefect"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    base = tmp_path_factory.mktemp("multi-machine")
    sink = SlowSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    processes: list[subprocess.Popen[bytes]] = []
    with postgres_database() as prefect_db, postgres_database() as srok_url:
        app = Srok(
            Settings.from_env({"SROK_HOME": str(base / "city"), "SROK_DATABASE_URL": srok_url})
        )
        app.init()
        build_demo(app)
        app.close()
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SROK_"))},
            "DO_NOT_TRACK": "1",
            "PREFECT_HOME": str(base / "prefect-home"),
            "PREFECT_API_URL": api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
            "SROK_CHECKOUT": str(ROOT),
            "SROK_DATABASE_URL": srok_url,
            "SROK_TODAY": KILLED_DAY,  # a sweep never runs ahead of today
            "SROK_NOTIFIER": "smtp",
            "SROK_SMTP_HOST": "127.0.0.1",
            "SROK_SMTP_PORT": str(smtp_port),
            "SROK_SMTP_SECURITY": "none",
        }
        server_env = {
            **env,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://"
            + prefect_db.removeprefix("postgresql://"),
        }
        controller.start()
        try:
            server = _start(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                server_env, base, base / "server.log",
            )  # fmt: skip
            processes.append(server)
            _wait(lambda: _healthy(api) or server.poll() is not None, "сервер Prefect", 180)
            assert server.poll() is None, (base / "server.log").read_text()
            _prefect(env, "work-pool", "create", "srok", "--type", "process", "--overwrite")
            _prefect(env, "--no-prompt", "deploy", "--all")
            workers = {}
            for name in ("host-1", "host-2"):
                home = base / name
                home.mkdir()
                worker = _start(
                    [str(BIN / "prefect"), "worker", "start", "--pool", "srok", "--type",
                     "process", "--name", name],
                    {**env, "SROK_HOME": str(home)}, home, base / f"{name}.log",
                )  # fmt: skip
                processes.append(worker)
                workers[name] = worker
            yield Installation(api, srok_url, sink, workers, env)
        finally:
            for process in reversed(processes):
                _stop(process)
            controller.stop()
            assert not [p.pid for p in processes if _group_alive(p.pid)]


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _run_sweep(api: str, day: str) -> str:
    deployment = httpx.get(f"{api}/deployments/name/deadline-sweep/daily", timeout=10).json()
    created = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": {"as_of": day, "dry_run": False}},
        timeout=10,
    )
    created.raise_for_status()
    return str(created.json()["id"])


def _flow_run(api: str, run_id: str) -> dict[str, Any]:
    response = httpx.get(f"{api}/flow_runs/{run_id}", timeout=10)
    response.raise_for_status()
    return dict(response.json())


def _state(api: str, run_id: str) -> str:
    return str((_flow_run(api, run_id).get("state") or {}).get("type"))


def _reminders(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(sa.text("SELECT key, state FROM reminder"))]
    finally:
        engine.dispose()


def _message_ids(sink: MailSink) -> Counter[str]:
    return Counter(str(r.message["Message-ID"]) for r in sink.received)


def test_sweeps_of_several_days_at_once_on_two_workers_deliver_each_reminder_once(
    installation: Installation,
) -> None:
    api = installation.api

    runs = [_run_sweep(api, day) for day in DAYS]
    _wait(lambda: all(_state(api, r) in FINAL for r in runs), "все запуски завершились")

    details = [_flow_run(api, r) for r in runs]
    assert [d["state"]["type"] for d in details] == ["COMPLETED"] * len(DAYS)
    spans = sorted((d["start_time"], d["end_time"]) for d in details)
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))
    reminders = _reminders(installation.srok_url)
    assert reminders and {state for _, state in reminders} == {"sent"}
    received = _message_ids(installation.sink)
    assert len(received) == len(reminders)  # one letter a reminder: the repeat queued nothing
    assert set(received.values()) == {1}  # and none twice
    assert {d["infrastructure_pid"] is not None for d in details} == {True}


def test_a_worker_killed_mid_run_loses_and_doubles_nothing_once_the_run_is_retried(
    installation: Installation,
) -> None:
    api, sink = installation.api, installation.sink
    before = len(sink.received)
    sink.delay = 1.0  # each letter takes a second: the kill lands mid-run

    run = _run_sweep(api, KILLED_DAY)
    _wait(lambda: len(sink.received) >= before + 2, "первые письма запуска")
    pid = int(str(_flow_run(api, run)["infrastructure_pid"]).rpartition(":")[2])
    victim = next(n for n, w in installation.workers.items() if w.pid in _ancestors(pid))
    # The host goes down: the worker, and the flow run it started (in a group of its own).
    for group in {installation.workers[victim].pid, os.getpgid(pid)}:
        os.killpg(group, signal.SIGKILL)
    installation.workers[victim].wait(10)
    sink.delay = 0.0
    state_at_kill = _state(api, run)
    httpx.post(
        f"{api}/flow_runs/{run}/set_state",
        json={"state": {"type": "CRASHED", "name": "Crashed"}, "force": True},
        timeout=10,
    ).raise_for_status()
    retry = _run_sweep(api, KILLED_DAY)
    _wait(lambda: _state(api, retry) in FINAL, "повторный запуск")

    assert state_at_kill == "RUNNING"
    assert not _group_alive(installation.workers[victim].pid)
    assert not _running(pid)
    assert _state(api, retry) == "COMPLETED"
    reminders = _reminders(installation.srok_url)
    assert {state for _, state in reminders} == {"sent"}  # nothing lost
    received = _message_ids(sink)
    assert len(received) == len(reminders)
    # Nothing doubled but the one letter in flight at the kill: SMTP cannot be asked, so it
    # goes once more with the same Message-ID (a receiving server may drop the repeat).
    assert sum(count - 1 for count in received.values()) <= 1


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _ancestors(pid: int) -> set[int]:
    """The process's parent, its parent's parent, ... (from /proc)."""
    found = set()
    while pid > 1:
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat.rpartition(")")[2].split()[1])
        found.add(pid)
    return found
