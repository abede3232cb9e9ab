"""Streaming the publication and the compliance report changed no byte of what they write.

The digests below were taken from the code that built each document in memory
(commit f6fc3b8), on the demo city and on a generated one whose organs have
names that a locale's collation orders differently from Python (upper and lower
case, «ё», Latin, a formula, a prefix of another's name). Every published file, the
command's own answer and the report in each of its formats must keep them.

The report's digests were taken again when the moderation (п. 2.5) table and the
standing rules' CSV rows were added (both paths: the test at the end pins the
streamed report to the one built in memory); the published files' never changed.

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
    "report 2026Q4 html": "369eb518d9bf577e",
    "report 2026Q3 html": "c058a39f5c93378a",
    "report 2026Q4 csv": "d279350242494023",
    "report 2026Q3 csv": "51d58c1a5e797787",
    "report 2026Q4 json": "1400f7afafe22b4d",
    "report 2026Q3 json": "0d6095cb1ec18562",
    "report 2026Q4 html --organ 1": "af62bc8f5b4176d7",
    "report 2026Q3 html --organ 1": "ff6fd6ba969d08f6",
    "report 2026Q4 csv --organ 1": "11e417e8a1acfe9c",
    "report 2026Q3 csv --organ 1": "b759e8e192751e3b",
    "report 2026Q4 json --organ 1": "159acf4aced83e62",
    "report 2026Q3 json --organ 1": "ddc67ab5efa775e4",
    "report stdout json": "1400f7afafe22b4d",
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
    "report 2026Q4 html": "fab554e2851ab2bf",
    "report 2026Q3 html": "2abb5c1917634c4f",
    "report 2026Q4 csv": "a9092835defb9a35",
    "report 2026Q3 csv": "82fdbbc07c3cc849",
    "report 2026Q4 json": "42f82356954b75fe",
    "report 2026Q3 json": "d593a01c766ab9e9",
    "report 2026Q4 html --organ 5": "9895d9dc8b9c3510",
    "report 2026Q3 html --organ 5": "412a8a24cdd2570e",
    "report 2026Q4 csv --organ 5": "b1e92d4deaa3ea40",
    "report 2026Q3 csv --organ 5": "aeff18320ad1ce84",
    "report 2026Q4 json --organ 5": "eaed22e69cfb1733",
    "report 2026Q3 json --organ 5": "5e073e2d2b2b4a8b",
    "report stdout json": "42f82356954b75fe",
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


def test_the_streamed_report_is_the_report_built_in_memory(
    demo_template: Path, tmp_path: Path
) -> None:
    """Every section (organs, standing rules, moderation, trend) is in both paths, byte for byte.

    The digests above pin the bytes; this pins the two ways of writing them to each other,
    so a section added to one renderer and not the other fails here whatever its content.
    """
    import io
    from datetime import UTC, datetime

    from domain.quarter import Quarter
    from services.app import Srok
    from services.compliance import compliance_report, render
    from services.compliance_stream import FORMATS, write_report
    from services.moderation import decide, queue
    from services.settings import Settings

    copy_database(demo_template, tmp_path)
    app = Srok(
        dataclasses.replace(
            Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=date(2026, 12, 1)
        )
    )
    with app.transaction() as session:  # comments of organ 1: one decided, one waiting
        from sqlmodel import select

        from models.tables import Account, Comment

        account = session.exec(select(Account).where(Account.organ_id == 1)).first()
        assert account is not None and account.id is not None
        for n, hour in ((1, 2), (2, 3)):
            session.add(
                Comment(
                    account_id=account.id,
                    network=account.network,
                    post_id="p1",
                    comment_id=str(n),
                    published_at=datetime(2026, 11, 27, hour, tzinfo=UTC),
                    seen_at=datetime(2026, 11, 27, 4, tzinfo=UTC),
                    text="поставьте лайк",
                    text_masked="поставьте лайк",
                    text_hash=f"{n:064d}",
                    repeat_key=f"{n:064d}",
                    flags='[{"category": "engagement", "fragment": "лайк", "rule": "t"}]',
                    state="flagged",
                    flagged_at=datetime(2026, 11, 27, 4, tzinfo=UTC),
                )
            )
        session.flush()
        waiting = queue(session=session)
        assert len(waiting) == 2
        decide(
            session=session,
            comment_id=waiting[0].id,
            decision="removed",
            actor="test",
            now=datetime(2026, 11, 30, 5, tzinfo=UTC),
        )
    compared = 0
    with app.transaction() as session:
        calendar = app.calendar
        for organ_id in (None, 1):
            for quarter in (Quarter.parse("2026Q4"), Quarter.parse("2026Q3")):
                report = compliance_report(
                    session=session,
                    calendar=calendar,
                    quarter=quarter,
                    as_of=date(2026, 12, 1),
                    organ_id=organ_id,
                )
                for fmt in FORMATS:
                    sink = io.BytesIO()
                    write_report(
                        session=session,
                        calendar=calendar,
                        quarter=quarter,
                        as_of=date(2026, 12, 1),
                        fmt=fmt,
                        sink=sink,
                        organ_id=organ_id,
                    )
                    assert sink.getvalue() == render(report, fmt), (organ_id, str(quarter), fmt)
                    compared += 1
    assert compared == 12
