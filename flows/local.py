"""Where a command's flow runs go, and the defaults for running them here; before Prefect is imported.

A flow run needs a Prefect API. ``PREFECT_API_URL`` names one; without it a
server already running on this machine (`make serve`, 127.0.0.1:4200, or
``PREFECT_PORT``) is used when it answers, so the run appears in its UI and the
command does not pay for a server of its own. With a server, a command run by
hand does not import Prefect at all: it runs the flow's services itself and
reports the run over REST (flows/prefect_rest.py; SROK_PREFECT_REST=0 turns
that off). Only when neither is there does
Prefect start a temporary server for the process (measured: about 7 CPU-seconds
and 8 s or more of wall time per command on this 2-core machine), and one
process at a time runs on it.

A city administration's server has no business calling home: client telemetry
(DO_NOT_TRACK) and the server's analytics service, which otherwise prints a
traceback on every temporary server in a network without the Internet, are off
unless the operator sets them.
"""

from __future__ import annotations

import fcntl
import http.client
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Prefect gives its temporary server 20 s to answer; a busy two-core machine took
    # longer (measured: 45 s with five test runs beside it), and the run then crashed.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
DEFAULT_PORT = 4200  # scripts/serve.sh starts the server there unless PREFECT_PORT says otherwise
PROBE_SECONDS = 0.5  # a refused connection answers at once; this bounds a hung listener


@dataclass(frozen=True)
class PrefectServer:
    """The Prefect API a command's flow runs go to, and how it was chosen."""

    api_url: str | None  # None: a temporary server Prefect starts for this process
    how: str  # "env" (PREFECT_API_URL), "found" (answered on 127.0.0.1), "temporary"
    # Report a run made by hand over REST (flows/prefect_rest.py) rather than run the flow
    # here: on whenever there is a server; SROK_PREFECT_REST=0 turns it off.
    by_rest: bool = False

    def said(self) -> str:
        """Tell the user, in Russian, where the run goes (for stderr: stdout stays the result)."""
        if self.how == "env":
            return f"Prefect: запуск на сервере из PREFECT_API_URL ({self.api_url})"
        if self.how == "found":
            ui = (self.api_url or "").removesuffix("/api")
            return f"Prefect: запуск на работающем сервере {ui} (его интерфейс показывает запуск)"
        return (
            "Prefect: сервер не найден (PREFECT_API_URL не задан, на "
            f"127.0.0.1:{local_port()} никто не отвечает) — временный сервер на время "
            "команды, это ещё 8 с и больше; быстрее с запущенным `make serve`"
        )


def quiet_local_prefect() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def local_port() -> int:
    try:
        return int(os.environ.get("PREFECT_PORT") or DEFAULT_PORT)
    except ValueError:
        return DEFAULT_PORT


def answers(host: str, port: int, *, timeout: float = PROBE_SECONDS) -> bool:
    """Say whether a Prefect API answers its health check at ``host:port``.

    Prefect's `/api/health` answers `true`; anything else on that port (another
    program, a server still starting) is not taken for it.
    """
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/api/health")
        response = connection.getresponse()
        return response.status == 200 and response.read(16).strip() == b"true"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def choose_server() -> PrefectServer:
    """Pick the API for this process's flow runs and set PREFECT_API_URL to it if found."""
    quiet_local_prefect()
    if url := os.environ.get("PREFECT_API_URL"):
        return PrefectServer(url, "env", by_rest=_rest_on())
    port = local_port()
    if answers("127.0.0.1", port):
        url = f"http://127.0.0.1:{port}/api"
        os.environ["PREFECT_API_URL"] = url  # before Prefect reads its settings
        return PrefectServer(url, "found", by_rest=_rest_on())
    return PrefectServer(None, "temporary")


def _rest_on() -> bool:
    return os.environ.get("SROK_PREFECT_REST", "1") != "0"


@contextmanager
def flow_runs_here(server: PrefectServer) -> Iterator[None]:
    """Run flows in this process on ``server``, without the heartbeat's cost.

    A flow run's heartbeat thread (every 180 s, to spot crashed runs) is joined
    in one-second steps when the run ends: about a second of every command. A
    run started by a command is watched by the person who started it, and the
    command itself says when it failed, so here it is off; runs the worker
    starts from the deployments keep it.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates: dict[Any, Any] = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if server.api_url:  # also right when Prefect was imported before the server was chosen
        updates[PREFECT_API_URL] = server.api_url
    with ExitStack() as stack:
        if server.api_url is None:
            stack.enter_context(one_local_server())
        stack.enter_context(temporary_settings(updates=updates))
        yield


@contextmanager
def one_local_server() -> Iterator[None]:
    """Let one process at a time run flows on a temporary local Prefect server.

    Without PREFECT_API_URL each process starts its own temporary server on the
    same PREFECT_HOME database, and several `srok sweep` started at once crashed
    while those servers migrated it. The runs wait for each other on a lock
    file instead; with a real server (PREFECT_API_URL) nothing is serialised.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    prefect_home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    prefect_home.mkdir(parents=True, exist_ok=True)
    with open(prefect_home / "srok-local-server.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        yield
