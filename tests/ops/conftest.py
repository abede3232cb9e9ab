"""A demo city in a home of its own, as `srok doctor` and `srok backup` find it on a server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import copy_database

# Settings a developer's shell may carry that would change what the checks see.
CLEARED = (
    "SROK_DATABASE_URL",
    "SROK_CALENDAR_FILE",
    "SROK_NOTIFIER",
    "SROK_SECRET_KEY",
    "SROK_SMTP_PASSWORD",
    "SROK_EWS_PASSWORD",
    "PREFECT_API_URL",
    "SROK_ANCHOR_FILE",
)


@pytest.fixture
def city(tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$SROK_HOME of the demo city as of 01.12.2026, with its secret key made (0600)."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    copy_database(demo_template, home)
    key = home / "secret_key"
    key.write_text("k" * 64)
    os.chmod(key, 0o600)
    monkeypatch.setenv("SROK_HOME", str(home))
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    return home
