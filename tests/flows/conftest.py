"""One Prefect test server for the whole session, paid only by the flow tests.

As in Prefect's own test suite: background services that the tests do not
exercise are off (they only contend for the server's SQLite), analytics off,
and the flow heartbeat off (it costs about a second a run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

QUIET_SERVER = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
}


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in QUIET_SERVER}
    os.environ.update(QUIET_SERVER)
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    try:
        with (
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
            prefect_test_harness(server_startup_timeout=90),
        ):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
