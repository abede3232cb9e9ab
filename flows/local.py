"""Defaults for running flows on this machine; call before Prefect is imported.

A city administration's server has no business calling home: client telemetry
(DO_NOT_TRACK) and the server's analytics service, which otherwise prints a
traceback on every temporary server in a network without the Internet, are off
unless the operator sets them.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def quiet_local_prefect() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
