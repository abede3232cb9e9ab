"""One demo city for every browser test of the pages people read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo city as of 01.12.2026, without its Prefect sweeps."""
    home = tmp_path_factory.mktemp("site")
    env = {"SROK_HOME": str(home), "SROK_TODAY": "2026-12-01", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--reset", "--sweep-days", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    return home
