"""Verify the audit chain on a million entries (SQLite), as a daily run would.

Appends ENTRIES entries through services.audit.append_many (the path every
change takes), then times `verify_chain` against its floor measured in the same
run: a walk of the same rows with the sqlite3 module alone, doing the same
canonical JSON and SHA-256 and checking each link. The issue's bound: 1.5x.
Usage: python benchmarks/audit_bench.py [ENTRIES]   (default 1000000)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import sqlalchemy as sa
from sqlmodel import Session

from domain.audit import FIELDS, GENESIS
from models.db import make_engine, migrate
from services.audit import append_many, verify_chain

ROUNDS = 3


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="srok-audit-bench-") as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'audit.db'}")
        try:
            run(engine, Path(scratch) / "audit.db")
        finally:
            engine.dispose()


def run(engine: sa.Engine, path: Path) -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    migrate(engine)
    started = time.perf_counter()
    batch = 50_000
    for start in range(0, entries, batch):
        with Session(engine) as session:
            append_many(
                session,
                [
                    {
                        "action": "step.closed",
                        "entity": f"step:{i}",
                        "clause": "3.1",
                        "actor": "bench",
                        "account_id": i % 100_000,
                        "after": {"done_on": "2026-11-24", "due": "2026-11-25"},
                        "calendar_version": "27c4bd7fbd48",
                    }
                    for i in range(start, min(start + batch, entries))
                ],
            )
            session.commit()
    print(f"appended {entries} entries in {time.perf_counter() - started:.1f} s")
    raw_times, verify_times = [], []
    for _ in range(ROUNDS):  # interleaved, best of each: other work on the machine comes and goes
        started = time.perf_counter()
        rows, raw_ok = raw_walk(path)
        raw_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        verdict = verify_chain(engine)
        verify_times.append(time.perf_counter() - started)
    raw, seconds = min(raw_times), min(verify_times)
    assert raw_ok and verdict.ok and verdict.entries == rows == entries
    print(f"raw sqlite3 walk, same JSON and SHA-256: {raw:6.2f} s")
    print(
        f"srok audit verify:                       {seconds:6.2f} s  "
        f"({verdict.entries / seconds:,.0f} entries/s, {seconds / raw:.2f}x the raw walk; "
        f"best of {ROUNDS}), chain ok: {verdict.ok}"
    )


def raw_walk(path: Path) -> tuple[int, bool]:
    """The floor: the sqlite3 module alone, recomputing each hash and checking each link."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    columns = "id, prev_hash, hash, " + ", ".join(f'"{f}"' for f in FIELDS)
    connection = sqlite3.connect(path)
    prev, count, ok = GENESIS, 0, True
    try:
        for row in connection.execute(f"SELECT {columns} FROM audit_entry ORDER BY id"):
            digest = hashlib.sha256(row[1].encode() + encode(row[3:]).encode()).hexdigest()
            ok = ok and digest == row[2] and row[1] == prev
            prev, count = row[2], count + 1
    finally:
        connection.close()
    return count, ok


if __name__ == "__main__":
    main()
