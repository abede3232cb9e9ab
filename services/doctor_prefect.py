"""`srok doctor`'s Prefect checks, through the server's REST API (httpx; Prefect is not imported).

The API answers; every deployment of prefect.yaml is registered with its
schedules active; a worker of the pool polled recently; and the last
deadline-sweep run ended well, not long ago.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.doctor import Finding

PREFECT_YAML = Path(__file__).parents[1] / "prefect.yaml"
SWEEP_ENTRYPOINT = "flows/deadline_sweep.py:deadline_sweep"
# A worker heartbeats every 30 s and polls every 10 s: a few minutes of silence means it is gone.
WORKER_SILENT = timedelta(minutes=5)
# The sweep runs every day at 09:00: a last run older than this means a day was missed.
SWEEP_SILENT = timedelta(hours=26)
TIMEOUT = 5.0


def expected_deployments(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The deployments prefect.yaml declares: name, entrypoint, work pool."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        {
            "name": d["name"],
            "entrypoint": d["entrypoint"],
            "pool": d.get("work_pool", {}).get("name"),
        }
        for d in data.get("deployments", [])
    ]


def _client(api_url: str, env: Mapping[str, str]) -> httpx.Client:
    headers = {}
    if env.get("PREFECT_API_AUTH_STRING"):
        token = base64.b64encode(env["PREFECT_API_AUTH_STRING"].encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    elif env.get("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {env['PREFECT_API_KEY']}"
    return httpx.Client(base_url=api_url.rstrip("/") + "/", headers=headers, timeout=TIMEOUT)


def check_prefect(
    env: Mapping[str, str], *, now: datetime, expected: list[dict[str, Any]] | None = None
) -> list[Finding]:
    """Ask the Prefect server about srok's deployments, workers and last sweep."""
    api_url = env.get("PREFECT_API_URL")
    if not api_url:
        return [
            Finding(
                "prefect",
                "warning",
                "PREFECT_API_URL не задан: srok не знает, где сервер Prefect, и работа "
                "по расписанию не проверена; задайте его, как в deploy/srok.env",
            )
        ]
    expected = expected_deployments() if expected is None else expected
    try:
        with _client(api_url, env) as client:
            health = client.get("health")
            health.raise_for_status()
            deployments = client.post("deployments/filter", json={}).json()
            findings = [Finding("prefect", "ok", f"сервер Prefect {api_url} отвечает")]
            findings += _deployments(deployments, expected)
            pools = sorted({str(e["pool"]) for e in expected if e["pool"]})
            for pool in pools:
                workers = client.post(f"work_pools/{pool}/workers/filter", json={})
                findings.append(_workers(pool, workers, now=now))
            sweep = [d for d in deployments if d.get("entrypoint") == SWEEP_ENTRYPOINT]
            if sweep:
                findings.append(_last_sweep(client, sweep[0]["id"], now=now))
            return findings
    except (httpx.HTTPError, ValueError) as error:
        return [
            Finding(
                "prefect",
                "error",
                f"сервер Prefect {api_url} не отвечает ({type(error).__name__}): проверка "
                "сроков по расписанию не запустится; `systemctl status srok-prefect-server`",
            )
        ]


def _deployments(found: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[Finding]:
    by_key = {(d.get("name"), d.get("entrypoint")): d for d in found}
    missing, paused = [], []
    for e in expected:
        deployment = by_key.get((e["name"], e["entrypoint"]))
        # The flows are named after their modules: flows/deadline_sweep.py is deadline-sweep.
        flow = Path(e["entrypoint"].partition(":")[0]).stem.replace("_", "-")
        label = f"{flow}/{e['name']}"
        if deployment is None:
            missing.append(label)
        elif deployment.get("paused") or not any(
            s.get("active") for s in deployment.get("schedules") or []
        ):
            paused.append(label)
    findings = []
    if missing:
        findings.append(
            Finding(
                "deployments",
                "error",
                f"не зарегистрированы: {', '.join(missing)}; выполните "
                "`prefect --no-prompt deploy --all` в папке srok",
            )
        )
    if paused:
        findings.append(
            Finding(
                "schedules",
                "warning",
                f"расписание выключено: {', '.join(paused)}; включите его в интерфейсе Prefect "
                "или `prefect deployment schedule resume`",
            )
        )
    if not findings:
        findings.append(
            Finding("deployments", "ok", f"развёртываний {len(expected)}, расписания включены")
        )
    return findings


def _workers(pool: str, response: httpx.Response, *, now: datetime) -> Finding:
    if response.status_code == 404:
        return Finding(
            "worker",
            "error",
            f"пула {pool} нет: `prefect work-pool create {pool} --type process`",
        )
    response.raise_for_status()
    beats = [
        datetime.fromisoformat(w["last_heartbeat_time"])
        for w in response.json()
        if w.get("last_heartbeat_time")
    ]
    if not beats:
        return Finding(
            "worker",
            "error",
            f"ни один обработчик пула {pool} не обращался к серверу: запуски не выполнятся; "
            "`systemctl start srok-worker`",
        )
    last = max(beats)
    if now - last > WORKER_SILENT:
        return Finding(
            "worker",
            "error",
            f"обработчик пула {pool} молчит с {last:%d.%m.%Y %H:%M} UTC: "
            "`systemctl status srok-worker` на его сервере",
        )
    return Finding("worker", "ok", f"обработчик пула {pool} на связи ({last:%H:%M:%S} UTC)")


def _last_sweep(client: httpx.Client, deployment_id: str, *, now: datetime) -> Finding:
    response = client.post(
        "flow_runs/filter",
        json={
            "deployments": {"id": {"any_": [deployment_id]}},
            "flow_runs": {"state": {"type": {"not_any_": ["SCHEDULED", "PENDING"]}}},
            "sort": "START_TIME_DESC",
            "limit": 1,
        },
    )
    response.raise_for_status()
    runs = response.json()
    if not runs:
        return Finding(
            "sweep",
            "warning",
            "проверка сроков (deadline-sweep) ещё не запускалась: запустите `srok sweep` "
            "или дождитесь 09:00",
        )
    run = runs[0]
    state = (run.get("state") or {}).get("type", "?")
    when_text = run.get("start_time") or run.get("expected_start_time")
    when = datetime.fromisoformat(when_text) if when_text else None
    shown = f"{when:%d.%m.%Y %H:%M} UTC" if when else "время неизвестно"
    name = run.get("name", "")
    if state in ("FAILED", "CRASHED", "CANCELLED"):
        return Finding(
            "sweep",
            "error",
            f"последняя проверка сроков ({name}, {shown}) закончилась состоянием {state}: "
            "откройте запуск в интерфейсе Prefect; `srok outbox list --state failed`",
        )
    if when is not None and now - when > SWEEP_SILENT:
        return Finding(
            "sweep",
            "warning",
            f"последняя проверка сроков была {shown} ({state}): дневной запуск пропущен — "
            "проверьте обработчик и расписание",
        )
    return Finding("sweep", "ok", f"последняя проверка сроков: {shown}, состояние {state}")
