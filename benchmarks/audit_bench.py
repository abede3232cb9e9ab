"""Verify the audit chain on a million entries (SQLite), as a daily run would.

Appends ENTRIES entries through services.audit.append_many (the path every
change takes), then times `verify_chain` and, as the baseline measured in the
same run, a bare read of the same rows.
Usage: python benchmarks/audit_bench.py [ENTRIES]   (default 1000000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import sqlalchemy as sa
from sqlmodel import Session

from models.db import make_engine, migrate
from services.audit import AUDIT, append_many, verify_chain


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="srok-audit-bench-") as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'audit.db'}")
        try:
            run(engine)
        finally:
            engine.dispose()


def run(engine: sa.Engine) -> None:
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
    started = time.perf_counter()
    with engine.connect() as conn:
        rows = sum(
            1
            for _ in conn.execution_options(stream_results=True, yield_per=10_000).execute(
                sa.select(AUDIT)
            )
        )
    read = time.perf_counter() - started
    started = time.perf_counter()
    verdict = verify_chain(engine)
    seconds = time.perf_counter() - started
    print(f"bare read of {rows} rows:     {read:6.1f} s")
    print(
        f"srok audit verify:            {seconds:6.1f} s  ({verdict.entries / seconds:,.0f} "
        f"entries/s, {seconds / read:.1f}x the bare read), chain ok: {verdict.ok}"
    )


if __name__ == "__main__":
    main()
