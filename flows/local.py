"""Defaults for running flows on this machine; call before Prefect is imported.

A city administration's server has no business calling home: client telemetry
(DO_NOT_TRACK) and the server's analytics service, which otherwise prints a
traceback on every temporary server in a network without the Internet, are off
unless the operator sets them. The temporary server gets time to start on a
busy machine, and one process at a time runs flows on it (``one_local_server``).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Prefect gives its temporary server 20 s to answer; a busy two-core machine took
    # longer (measured: 45 s with five test runs beside it), and the run then crashed.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def quiet_local_prefect() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


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
