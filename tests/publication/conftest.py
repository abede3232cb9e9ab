"""One demo city for every browser test of the pages people read, and one Chromium."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, Browser

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
        timeout=120,
    )
    return home


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    b = Browser()
    yield b
    b.close()
