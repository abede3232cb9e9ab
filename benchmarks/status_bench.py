"""What the whole-city views cost a user on a large city, end to end, as separate processes.

Generates a city of ACCOUNTS accounts (benchmarks/sweep_bench.py's generator, plus
addresses and an audit entry an account) in a temporary SROK_HOME, then times the
commands a person and a script run, each as a whole `srok` process (imports
included), output to /dev/null, with the peak memory and the CPU time of each:
- `srok status` (the whole-city summary; the goal: < 2 s at 100,000 accounts);
- `srok status --json` (streamed; goals for every --json here: < 10 s and < 300 MB);
- `srok status --organ 1` (one organ's full table);
- `srok publication make` (the public registry of every entered account; the
  database is restored before each round, so every round publishes for the first time);
- `srok registry show` and `--json` (the internal Registry, streamed);
- `srok report compliance` (html) and `--json`;
- `srok audit log` and `--json` (the history, streamed, after the publication's entries).
The documents (publication, report) are then made on a city a tenth the size as
well, interleaved with the full one: their peak memory at both sizes and the
ratio show whether it grows with the city (it should not: they are streamed).
Rounds are interleaved. CPU time is printed beside wall time because this machine
is shared: wall time grows with the load, CPU time hardly. The folder is removed afterwards.

Usage: python benchmarks/status_bench.py [ACCOUNTS] [ROUNDS]   (defaults 100000, 2)
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from services.app import Srok

sys.path.insert(0, str(Path(__file__).parents[1]))
os.environ.setdefault("DO_NOT_TRACK", "1")

AS_OF = "2026-12-01"

SROK = str(Path(sys.executable).with_name("srok"))
PUBLISH = ["publication", "make", "--quarter", "2026Q3"]
COMMANDS = {
    "status (summary)": ["status"],
    "status --json": ["status", "--json"],
    "status --organ 1": ["status", "--organ", "1"],
    "publication make": PUBLISH,
    "registry show": ["registry", "show"],
    "registry show --json": ["registry", "show", "--json"],
    "report compliance": ["report", "compliance", "--quarter", "2026Q4"],
    "report compl. --json": ["report", "compliance", "--quarter", "2026Q4", "--json"],
    "report compl. csv": ["report", "compliance", "--quarter", "2026Q4", "--format", "csv"],
    "audit log": ["audit", "log"],
    "audit log --json": ["audit", "log", "--json"],
}


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run one command, output to /dev/null; return (seconds, CPU seconds, peak RSS in MB)."""
    start = time.perf_counter()
    pid = os.posix_spawn(
        SROK,
        [SROK, *args],
        env,
        file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)],
    )
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"srok {' '.join(args)} failed")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def generate_city(home: str, accounts: int) -> None:
    """Write the city in a process of its own (see main)."""
    from benchmarks.sweep_bench import AS_OF as DAY
    from benchmarks.sweep_bench import generate
    from services.settings import Settings

    os.environ["SROK_HOME"] = home
    from services.app import Srok

    app = Srok(dataclasses.replace(Settings.from_env(), today_override=DAY))
    app.init()
    generate(app, accounts)
    add_history(app, accounts)
    app.engine.dispose()


def add_history(app: Srok, accounts: int) -> None:
    """Give the city what sweep_bench's generator leaves out: addresses and an audit trail.

    Every account gets its address (every tenth one an earlier address too, for the
    registry's history), and the chain one `account_created` entry an account, so
    `audit log` has a city's worth of history to read.
    """
    from services.audit import append_many

    with app.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO account_address (account_id, url, valid_from, valid_until) "
                "SELECT id, url || '-old', created_on, created_on FROM account WHERE id % 10 = 0"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO account_address (account_id, url, valid_from) "
                "SELECT id, url, created_on FROM account"
            )
        )
    batch = 50_000
    for start in range(1, accounts + 1, batch):
        with app.transaction() as session:
            append_many(
                session,
                [
                    {
                        "action": "event.account_created",
                        "entity": f"account:{a}",
                        "actor": "bench",
                        "account_id": a,
                        "organ_id": (a - 1) // 7 + 1,
                        "after": {"url": f"https://example.org/a{a}"},
                    }
                    for a in range(start, min(start + batch, accounts + 1))
                ],
            )


def main() -> None:
    if sys.argv[1:2] == ["--generate"]:
        generate_city(sys.argv[2], int(sys.argv[3]))
        return
    accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    home = Path(tempfile.mkdtemp(prefix="srok-status-bench-"))
    try:
        env = {**os.environ, "SROK_HOME": str(home), "SROK_TODAY": AS_OF}
        env.pop("SROK_DATABASE_URL", None)
        # The city is written by a child: a child's peak RSS counts what its parent held
        # when it was spawned, so this process stays small for the figures to be the
        # commands' own.
        subprocess.run(
            [sys.executable, __file__, "--generate", str(home), str(accounts)], check=True
        )
        database = home / "srok.db"
        shutil.copyfile(database, home / "unpublished.db")
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
        peaks: dict[str, float] = dict.fromkeys(COMMANDS, 0.0)
        for _ in range(rounds):
            shutil.copyfile(home / "unpublished.db", database)
            shutil.rmtree(home / "public", ignore_errors=True)
            for name, args in COMMANDS.items():
                seconds, cpu_seconds, rss = run(args, env)
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
                peaks[name] = max(peaks[name], rss)
        print(f"whole-city views on {accounts} accounts ({accounts * 4} steps), {rounds} rounds:")
        for name, values in times.items():
            print(
                f"  {name:<21} min {min(values):6.2f} s  median {statistics.median(values):6.2f} s"
                f"  CPU {statistics.median(cpu[name]):6.2f} s  peak RSS {peaks[name]:5.0f} MB"
            )
        documents_at_two_sizes(home, accounts, rounds)
    finally:
        shutil.rmtree(home, ignore_errors=True)


DOCUMENTS = ("publication make", "report compliance", "report compl. --json", "report compl. csv")


def documents_at_two_sizes(home: Path, accounts: int, rounds: int) -> None:
    """Peak memory of the streamed documents on this city and on one a tenth its size."""
    small = max(accounts // 10, 100)
    cities = {accounts: home / "large", small: home / "small"}
    cities[accounts].mkdir()
    shutil.copyfile(home / "unpublished.db", cities[accounts] / "unpublished.db")
    cities[small].mkdir()
    subprocess.run(
        [sys.executable, __file__, "--generate", str(cities[small]), str(small)], check=True
    )
    shutil.copyfile(cities[small] / "srok.db", cities[small] / "unpublished.db")
    peaks = {(size, name): 0.0 for size in cities for name in DOCUMENTS}
    for _ in range(rounds):
        for size, folder in cities.items():  # interleaved: each round, both sizes
            env = {**os.environ, "SROK_HOME": str(folder), "SROK_TODAY": AS_OF}
            env.pop("SROK_DATABASE_URL", None)
            shutil.copyfile(folder / "unpublished.db", folder / "srok.db")
            shutil.rmtree(folder / "public", ignore_errors=True)
            for name in DOCUMENTS:
                peaks[size, name] = max(peaks[size, name], run(COMMANDS[name], env)[2])
    print(f"documents' peak RSS, {small} against {accounts} accounts (flat if streamed):")
    for name in DOCUMENTS:
        low, high = peaks[small, name], peaks[accounts, name]
        print(f"  {name:<21} {low:5.0f} MB  {high:5.0f} MB  x{high / low:.2f}")


if __name__ == "__main__":
    main()
