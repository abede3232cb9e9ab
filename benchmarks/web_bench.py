"""The web app at city scale: the IT queue, an organ's page and the figures, through uvicorn.

1. Generate the city of sweep_bench.py (ACCOUNTS accounts, 7 per organ, four steps each).
2. Serve the app with uvicorn on loopback; sign in as the IT department, a
   specialist of organ 1 and the deputy head with a real HTTP client (httpx).
3. Time REQUESTS requests of each page and report p50 and p95, next to /healthz
   measured in the same run (the floor of the HTTP stack). The issue's aim: p95 < 200 ms.

Usage: python benchmarks/web_bench.py [ACCOUNTS] [REQUESTS]   (default 100000 40)
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DO_NOT_TRACK", "1")

import httpx
import uvicorn
from sweep_bench import AS_OF, generate, timed

from services.app import Srok
from services.settings import Settings
from services.users import add_user, create_token
from web.app import create_app
from web.context import WebContext

PASSWORD = "bench-password-608"


def serve(app: Srok) -> tuple[uvicorn.Server, str]:
    ctx = WebContext(srok=app, secret=b"bench", web_url="http://127.0.0.1")
    config = uvicorn.Config(create_app(ctx), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def signed_in(base: str, login: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf": csrf})
    assert response.status_code == 303, response.text
    return client


def percentiles(client: httpx.Client, path: str, n: int) -> tuple[float, float, float]:
    """p50 and p95 of n requests, and the first request's time (it fills the caches)."""
    started = time.perf_counter()
    client.get(path)
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))], first


def main() -> None:
    accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    home = Path(tempfile.mkdtemp(prefix="srok-web-bench-"))
    os.environ["SROK_HOME"] = str(home)
    app = Srok(dataclasses.replace(Settings.from_env(), today_override=AS_OF))
    app.init()
    _, gen = timed(lambda: generate(app, accounts))
    print(f"generated {accounts} accounts ({accounts * 4} steps) on SQLite in {gen:.1f} s")
    with app.transaction() as session:
        for login, role, organ, person in (
            ("it", "it", None, None),
            ("head", "head", None, None),
            ("organ1", "specialist", 1, 1),
        ):
            add_user(
                session=session,
                login=login,
                role=role,
                password=PASSWORD,
                organ_id=organ,
                specialist_id=person,
                actor="bench",
            )
        head_token = create_token(session=session, login="head", actor="bench")
    server, base = serve(app)
    try:
        it, head, organ = (signed_in(base, who) for who in ("it", "head", "organ1"))
        script = httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {head_token}"}
        )
        floor = percentiles(it, "/healthz", requests)
        print(f"{'page':<34}{'p50 ms':>9}{'p95 ms':>9}{'p95 / healthz':>15}{'first ms':>10}")
        print(
            f"{'/healthz (the floor)':<34}{floor[0]:9.1f}{floor[1]:9.1f}{1:15.1f}{floor[2]:10.1f}"
        )
        for label, client, path in (
            ("IT queue /it/queue", it, "/it/queue"),
            ("organ's page /accounts", organ, "/accounts"),
            ("an account /accounts/1", organ, "/accounts/1"),
            ("figures /figures", head, "/figures"),
            ("figures JSON /api/v1/figures", script, "/api/v1/figures"),
        ):
            try:
                p50, p95, first = percentiles(client, path, requests)
            except httpx.ReadTimeout:
                print(f"{label:<34}  no answer within {client.timeout.read:.0f} s")
                continue
            except AssertionError as failed:
                print(f"{label:<34}  failed: {failed}")
                continue
            print(f"{label:<34}{p50:9.1f}{p95:9.1f}{p95 / floor[1]:15.1f}{first:10.1f}")
    finally:
        server.should_exit = True
        app.close()
        shutil.rmtree(home, ignore_errors=True)  # the city: hundreds of MB


if __name__ == "__main__":
    main()
