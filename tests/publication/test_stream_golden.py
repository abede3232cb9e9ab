"""Streaming the publication and the compliance report changed no byte of what they write.

The digests below were taken from the code that built each document in memory
(commit f6fc3b8), on the demo city and on a generated one whose organs have
names that a locale's collation orders differently from Python (upper and lower
case, «ё», Latin, a formula, a prefix of another's name). Every published file, the
command's own answer and the report in each of its formats must keep them.

The audit chain's hashes include the time of recording, so the anchor's SHA-256
is replaced by a placeholder before hashing; its number and place are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import copy_database

ROOT = Path(__file__).parents[2]
ANCHOR = re.compile(rb"[0-9a-f]{64}")


def _srok(home: Path, *args: str, today: str = "2026-12-01") -> bytes:
    env = {"SROK_HOME": str(home), "SROK_TODAY": today, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.replace(str(home).encode(), b"HOME")


def _digest(data: bytes) -> str:
    return hashlib.sha256(ANCHOR.sub(b"ANCHOR", data)).hexdigest()[:16]


def _digests(home: Path, organ: int, publications: list[tuple[str, str]]) -> dict[str, str]:
    """Publish twice (an address changed and an account closed between) and report."""
    found: dict[str, str] = {}
    for n, (quarter, day) in enumerate(publications, start=1):
        if n == 2:
            _change_two_public_accounts(home)
        found[f"publish {n}"] = _digest(
            _srok(home, "publication", "make", "--quarter", quarter, "--json", today=day)
        )
        for path in sorted((home / "public").glob(f"{quarter}-{day.replace('-', '')}/*")):
            found[f"{n}/{path.name}"] = _digest(path.read_bytes())
    for scope in ((), ("--organ", str(organ))):
        for fmt in ("html", "csv", "json"):
            for quarter in ("2026Q4", "2026Q3"):
                out = home / f"report.{fmt}"
                _srok(home, "report", "compliance", "--quarter", quarter, "--format", fmt,
                      "--out", str(out), *scope, "--as-of", "2026-12-01")  # fmt: skip
                found[f"report {quarter} {fmt} {' '.join(scope)}".strip()] = _digest(
                    out.read_bytes()
                )
    found["report stdout json"] = _digest(
        _srok(home, "report", "compliance", "--quarter", "2026Q4", "--json")
    )
    return found


def _change_two_public_accounts(home: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{home / 'srok.db'}")
    with engine.begin() as conn:
        first, second = conn.execute(
            sa.text(
                "SELECT DISTINCT account.id FROM account JOIN step ON step.account_id = account.id "
                "WHERE active AND step.clause = '3.4' AND step.done_on IS NOT NULL "
                "ORDER BY account.id LIMIT 2"
            )
        ).scalars()
        conn.execute(
            sa.text(
                "UPDATE account_address SET url = url || '_renamed' "
                "WHERE account_id = :a AND valid_until IS NULL"
            ),
            {"a": first},
        )
        conn.execute(sa.text("UPDATE account SET active = 0 WHERE id = :a"), {"a": second})
    engine.dispose()


def _generated_city(home: Path, sqlite_template: Path) -> None:
    from benchmarks.status_bench import add_history
    from benchmarks.sweep_bench import generate
    from services.app import Srok
    from services.settings import Settings

    copy_database(sqlite_template, home)
    app = Srok(
        dataclasses.replace(
            Settings.from_env({"SROK_HOME": str(home)}), today_override=date(2026, 12, 1)
        )
    )
    generate(app, 420)
    add_history(app, 420)
    names = {
        1: "ёлочный отдел",
        2: "Zeta office",
        3: "=HYPERLINK(1)",
        4: "organ in latin, lower case",
        6: "орган в нижнем регистре",
        7: "Ёмкий комитет",
        8: "Орган 10 (второй)",
    }
    with app.engine.begin() as conn:
        for organ, name in names.items():
            conn.execute(
                sa.text("UPDATE organ SET name = :n WHERE id = :o"), {"n": name, "o": organ}
            )
    app.engine.dispose()


GOLDEN_DEMO: dict[str, str] = {
    "publish 1": "44533085d64602d2",
    "1/data-20270405-structure-20261201.csv": "b18d21da2a90a8f5",
    "1/index.html": "ec257a59923861ec",
    "1/meta.csv": "3861477c97d8164d",
    "1/registry.json": "cf6afb213b7e0fc5",
    "1/structure-20261201.csv": "3fd32b671a84c0e2",
    "publish 2": "4c58eebe00286dfa",
    "2/data-20270705-structure-20261201.csv": "db4382e830239313",
    "2/index.html": "c865e468988c859a",
    "2/meta.csv": "b9fef153fbf54001",
    "2/registry.json": "47754e04e2c1c7a8",
    "2/structure-20261201.csv": "3fd32b671a84c0e2",
    "report 2026Q4 html": "3556c90b8e68f8d9",
    "report 2026Q3 html": "22f99bdc5452ae2e",
    "report 2026Q4 csv": "50f194847d0607c4",
    "report 2026Q3 csv": "d33121f23fb81ab8",
    "report 2026Q4 json": "5d1d6b844625945f",
    "report 2026Q3 json": "6a3784bfcadec3b1",
    "report 2026Q4 html --organ 1": "945fe9978432cc4a",
    "report 2026Q3 html --organ 1": "f4c12d05d3c13a3b",
    "report 2026Q4 csv --organ 1": "e848bbda1204c5be",
    "report 2026Q3 csv --organ 1": "d33121f23fb81ab8",
    "report 2026Q4 json --organ 1": "5146069db17b2ab0",
    "report 2026Q3 json --organ 1": "102437bb4bb860be",
    "report stdout json": "5d1d6b844625945f",
}
GOLDEN_GENERATED: dict[str, str] = {
    "publish 1": "b9e5b35284fb1859",
    "1/data-20261201-structure-20261201.csv": "8e1fcd7980335413",
    "1/index.html": "4061776533a424f8",
    "1/meta.csv": "0b7447152b20409e",
    "1/registry.json": "f5cbfc172ca7005b",
    "1/structure-20261201.csv": "3fd32b671a84c0e2",
    "publish 2": "ceef5b947a00caf1",
    "2/data-20270111-structure-20261201.csv": "cd3f7d6f878e74fa",
    "2/index.html": "1d3f452c9894d3b7",
    "2/meta.csv": "bfc7741aedc0a516",
    "2/registry.json": "251016aa9cf786c2",
    "2/structure-20261201.csv": "3fd32b671a84c0e2",
    "report 2026Q4 html": "3b0f73e1d0c1e23a",
    "report 2026Q3 html": "f1c3189670435423",
    "report 2026Q4 csv": "e5eb495248c0b6da",
    "report 2026Q3 csv": "cd0ef8aeb802db9e",
    "report 2026Q4 json": "9a4d053e03e2b9c8",
    "report 2026Q3 json": "ef0a0b2310443c01",
    "report 2026Q4 html --organ 5": "dd87ba6979aa4d21",
    "report 2026Q3 html --organ 5": "318d15f083505ee6",
    "report 2026Q4 csv --organ 5": "1e1674c380bf718b",
    "report 2026Q3 csv --organ 5": "cd0ef8aeb802db9e",
    "report 2026Q4 json --organ 5": "8f4998ac58e35da9",
    "report 2026Q3 json --organ 5": "515e33b4f7433bbf",
    "report stdout json": "9a4d053e03e2b9c8",
}


def test_the_demo_city_publishes_and_reports_the_same_bytes(
    demo_template: Path, tmp_path: Path
) -> None:
    copy_database(demo_template, tmp_path)

    found = _digests(tmp_path, 1, [("2027Q1", "2027-04-05"), ("2027Q2", "2027-07-05")])

    assert found == GOLDEN_DEMO, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.slow
def test_a_generated_city_publishes_and_reports_the_same_bytes(
    sqlite_template: Path, tmp_path: Path
) -> None:
    _generated_city(tmp_path, sqlite_template)

    found = _digests(tmp_path, 5, [("2026Q3", "2026-12-01"), ("2026Q4", "2027-01-11")])

    assert found == GOLDEN_GENERATED, json.dumps(found, indent=1, ensure_ascii=False)
