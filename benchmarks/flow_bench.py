"""What a command that runs a flow costs a user, end to end, as a whole process.

In one temporary folder (removed at the end): starts a Prefect server on a free
port (as `make serve` does), builds the demo city with `srok demo` (its sweeps go
to that server), then times `srok sweep` on the demo city as separate processes:
- with the server running and PREFECT_API_URL unset (the goal: < 2 s): the
  command runs the flow's services itself and reports the run over REST,
  without importing Prefect (flows/sweep_by_hand.py);
- the same with SROK_PREFECT_REST=0: the flow itself runs in the process (the
  baseline the REST path is compared with);
- with no server at all: Prefect's temporary server for the one command.
Each figure is wall seconds and the CPU seconds of the process (and its children:
the temporary server), min / median / max; rounds are interleaved.

Usage: python benchmarks/flow_bench.py [ROUNDS]   (default 3)
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
SWEEP = [str(BIN / "srok"), "sweep", "--as-of", "2026-12-01"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(env: dict[str, str]) -> tuple[float, float]:
    """Run one `srok sweep`; return (wall seconds, CPU seconds of it and its children)."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(SWEEP, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode:
        raise SystemExit(f"srok sweep failed:\n{done.stderr[-3000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if server.poll() is not None:
            raise SystemExit("the Prefect server exited")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.read().strip() == b"true":
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the Prefect server did not answer")


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<10} min {min(values):5.2f}  median {statistics.median(values):5.2f}  "
        f"max {max(values):5.2f}"
    )


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="srok-flow-bench-") as scratch:
        port = free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
        base.pop("SROK_DATABASE_URL", None)
        env = {
            **base,
            "SROK_HOME": f"{scratch}/home",
            "SROK_TODAY": "2026-12-01",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        served = {**env, "PREFECT_HOME": f"{scratch}/served", "PREFECT_PORT": str(port)}
        flow_here = {**served, "SROK_PREFECT_REST": "0"}
        alone = {**env, "PREFECT_HOME": f"{scratch}/alone", "PREFECT_PORT": "1"}
        with open(f"{scratch}/server.log", "wb") as log:
            server = subprocess.Popen(
                [
                    str(BIN / "prefect"),
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    f"{port}",
                ],
                env=served,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            up = wait_healthy(f"http://127.0.0.1:{port}/api", server)
            print(f"Prefect server (as `make serve` starts it) answered after {up:.1f} s")
            subprocess.run(
                [str(BIN / "srok"), "demo", "--reset"], env=served, check=True, capture_output=True
            )
            figures: dict[str, list[list[float]]] = {
                "server": [[], []],
                "flow": [[], []],
                "temporary": [[], []],
            }
            timed(served)  # warm-ups, not counted: the temporary server's first run
            timed(alone)  # also creates its database
            for _ in range(rounds):
                for name, with_env in (
                    ("server", served),
                    ("flow", flow_here),
                    ("temporary", alone),
                ):
                    wall, cpu = timed(with_env)
                    figures[name][0].append(wall)
                    figures[name][1].append(cpu)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"`srok sweep` on the demo city, whole process, {rounds} rounds (seconds):")
    for name, (walls, cpus) in figures.items():
        label = {
            "server": "  with a Prefect server running (make serve), PREFECT_API_URL unset (REST):",
            "flow": "  the same, the flow run in the process (SROK_PREFECT_REST=0):",
            "temporary": "  with none (Prefect starts a temporary server for the command):",
        }[name]
        print(label)
        print("    " + line("wall", walls))
        print("    " + line("cpu", cpus))
    median = {name: statistics.median(cpus) for name, (_, cpus) in figures.items()}
    print(f"  REST / flow in the process, CPU: {median['server'] / median['flow']:.2f}")
    print(
        "  the temporary server costs "
        f"{statistics.median(figures['temporary'][0]) - statistics.median(figures['server'][0]):.1f}"
        " s of wall time a command (median difference)"
    )


if __name__ == "__main__":
    main()
