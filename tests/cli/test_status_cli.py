"""`srok status` on the demo city: a summary a person reads in a screen, JSON for scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import Srok

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Srok:
    home = tmp_path_factory.mktemp("demo")
    cli = Srok(home)
    subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--reset", "--sweep-days", "0"],
        cwd=ROOT,
        env=cli.env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    cli.env["COLUMNS"] = "80"
    return cli


def test_the_whole_city_is_a_summary_by_organ_then_the_longest_overdue(demo: Srok) -> None:
    out = demo.run("status").stdout

    assert "сводка по органам" in out
    summary, worst = out.split("Дольше всех просрочены")
    assert "Комитет по культуре" in summary and "Просроч." in summary
    assert "(показано 6 из 6)" in worst
    lateness = [int(line.split()[-3]) for line in worst.splitlines() if "раб. дн." in line]
    assert lateness == sorted(lateness, reverse=True) and lateness[0] == 25
    assert "srok status --organ ID" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_an_organ_or_all_gives_every_step_as_a_table(demo: Srok) -> None:
    organ = demo.run("status", "--organ", "2").stdout
    everything = demo.run("status", "--all").stdout

    assert "Комитет по культуре" in organ and "Администрация города" not in organ
    assert "Шагов:" in organ and "Шагов: 59" in everything


def test_json_is_one_array_of_every_step_one_object_a_line(demo: Srok) -> None:
    out = demo.run("status", "--json").stdout

    steps = json.loads(out)
    assert len(steps) == 59 and len(out.splitlines()) == 59 + 2  # 48 + 11 of п. 1.6
    assert {"account_id", "clause", "due", "state", "explanation"} <= set(steps[0])
