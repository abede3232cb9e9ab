"""Report a run made by hand to a Prefect server through its REST API, without importing Prefect.

`import prefect` alone costs about a second of CPU, more than half of what a
command may take. A command run by hand when a server answers therefore runs
the flow's services in its own process and tells the server what a flow run
would: the flow (by name), a run of its deployment (so it shows under
`deadline-sweep/daily` with its parameters), the RUNNING state, the log lines,
the artifacts and the final state. The shapes are Prefect 3.9's
(`prefect/server/api/*.py`, `prefect/server/schemas/actions.py`).

The run is created RUNNING, never SCHEDULED, so no worker picks it up and runs
it a second time. Log lines are sent in one request at the end (or at a crash):
they never hold personal data, only counts and reminder numbers.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

TIMEOUT_SECONDS = 10.0
RETRIED = {429, 502, 503}
RETRY_SECONDS = (0.25, 0.5, 1, 2, 4, 8)  # then the command says the server refused


class PrefectApiError(RuntimeError):
    """The server refused or did not answer a request of the run's report."""


@dataclass
class RestRun:
    """One flow run on the server, reported by this process."""

    client: httpx.Client
    flow_run_id: str
    name: str
    flow_name: str
    deployment_id: str | None
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def actor(self) -> str:
        """Name the run as the actor of what it records, as flows/runs.py's run_actor does."""
        return f"prefect:{self.flow_name}/{self.name}"

    def log(self, level: int, message: str) -> None:
        """Keep a log line of the run; they go to the server when the run ends."""
        self.lines.append(
            {
                "name": "prefect.flow_runs",
                "level": level,
                "message": message,
                "timestamp": _now(),
                "flow_run_id": self.flow_run_id,
            }
        )

    def info(self, message: str) -> None:
        self.log(logging.INFO, message)

    def error(self, message: str) -> None:
        self.log(logging.ERROR, message)

    def table(self, *, key: str, table: list[dict[str, Any]], description: str) -> None:
        """Create a table artifact, in the form `create_table_artifact` sends (JSON text)."""
        self._artifact(key=key, type="table", data=json.dumps(table), description=description)

    def markdown(self, *, key: str, markdown: str, description: str | None = None) -> None:
        self._artifact(key=key, type="markdown", data=markdown, description=description)

    @contextmanager
    def task(self, name: str) -> Iterator[None]:
        """Show a step as the flow's task of that name: a task run, Completed or Failed."""
        made = _call(
            self.client,
            "POST",
            "/task_runs/",
            {
                "name": f"{name}-0",
                "flow_run_id": self.flow_run_id,
                "task_key": name,
                "dynamic_key": "0",
                "state": {"type": "RUNNING", "name": "Running"},
            },
        )
        path = f"/task_runs/{made['id']}/set_state"
        try:
            yield
        except BaseException as exc:
            failed = {"type": "FAILED", "message": f"шаг прерван: {type(exc).__name__}"}
            with suppress(PrefectApiError):  # the run itself still ends Crashed
                _call(self.client, "POST", path, {"state": failed, "force": True})
            raise
        _call(self.client, "POST", path, {"state": {"type": "COMPLETED"}, "force": True})

    def finish(self, *, ok: bool, message: str | None = None) -> None:
        """Send the log lines, then set the final state: COMPLETED, or FAILED with ``message``."""
        self.flush()
        self._set_state("COMPLETED" if ok else "FAILED", message)

    def crash(self, message: str) -> None:
        """End the run CRASHED after an error in this process (best effort: never raises)."""
        with suppress(PrefectApiError, httpx.HTTPError):
            self.error(message)
            self.flush()
            self._set_state("CRASHED", message)

    def flush(self) -> None:
        if self.lines:
            _call(self.client, "POST", "/logs/", self.lines)
            self.lines = []

    def _artifact(self, *, key: str, type: str, data: Any, description: str | None) -> None:
        body = {"key": key, "type": type, "data": data, "flow_run_id": self.flow_run_id}
        if description:
            body["description"] = description
        _call(self.client, "POST", "/artifacts/", body)

    def _set_state(self, kind: str, message: str | None) -> None:
        state: dict[str, Any] = {"type": kind}
        if message:
            state["message"] = message
        # force: this process ran the run, so the server's orchestration rules have
        # nothing to decide (and a deployment's concurrency slot is not to be waited for)
        _call(
            self.client,
            "POST",
            f"/flow_runs/{self.flow_run_id}/set_state",
            {"state": state, "force": True},
        )


def auth_headers(env: Mapping[str, str]) -> dict[str, str]:
    """Authorise as Prefect's own client does: PREFECT_API_AUTH_STRING, else PREFECT_API_KEY."""
    if env.get("PREFECT_API_AUTH_STRING"):
        token = base64.b64encode(env["PREFECT_API_AUTH_STRING"].encode()).decode()
        return {"Authorization": f"Basic {token}"}
    if env.get("PREFECT_API_KEY"):
        return {"Authorization": f"Bearer {env['PREFECT_API_KEY']}"}
    return {}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _call(
    client: httpx.Client,
    method: str,
    path: str,
    body: Any | None = None,
    *,
    missing_ok: bool = False,
) -> Any:
    """Send one request; retry what Prefect's own client retries (429, 502, 503).

    A server on SQLite answers 503 while its database is locked (a busy server,
    several runs at once); the request was rolled back, so sending it again is safe.
    """
    for wait in (*RETRY_SECONDS, None):
        try:
            response = client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise PrefectApiError(f"сервер Prefect не ответил на {method} {path}: {exc}") from exc
        if response.status_code not in RETRIED or wait is None:
            break
        time.sleep(wait)
    if missing_ok and response.status_code == 404:
        return None
    if response.status_code >= 400:
        raise PrefectApiError(
            f"сервер Prefect отклонил {method} {path}: {response.status_code} {response.text[:300]}"
        )
    return response.json() if response.content else None


def start_run(
    client: httpx.Client,
    *,
    flow_name: str,
    deployment_name: str | None,
    parameters: dict[str, Any],
    tags: list[str],
) -> RestRun:
    """Create the run RUNNING: under the deployment if the server has it, else under the flow."""
    flow = _call(client, "POST", "/flows/", {"name": flow_name})  # idempotent by name
    deployment_id = None
    if deployment_name:
        found = _call(
            client, "GET", f"/deployments/name/{flow_name}/{deployment_name}", missing_ok=True
        )
        deployment_id = str(found["id"]) if found else None
    running = {"type": "RUNNING", "name": "Running"}
    body: dict[str, Any] = {"parameters": parameters, "tags": tags, "state": running}
    if deployment_id:
        made = _call(client, "POST", f"/deployments/{deployment_id}/create_flow_run", body)
    else:
        made = _call(client, "POST", "/flow_runs/", {**body, "flow_id": flow["id"]})
    return RestRun(
        client=client,
        flow_run_id=str(made["id"]),
        name=str(made["name"]),
        flow_name=flow_name,
        deployment_id=deployment_id,
    )


@contextmanager
def reported_run(
    api_url: str,
    *,
    flow_name: str,
    deployment_name: str | None,
    parameters: dict[str, Any],
    tags: list[str],
) -> Iterator[RestRun]:
    """Open a run on the server at ``api_url``; a crash in the block ends it CRASHED.

    Only the exception's type goes to the server: a message could quote data.
    """
    with httpx.Client(
        base_url=api_url.rstrip("/"), headers=auth_headers(os.environ), timeout=TIMEOUT_SECONDS
    ) as client:
        run = start_run(
            client,
            flow_name=flow_name,
            deployment_name=deployment_name,
            parameters=parameters,
            tags=tags,
        )
        try:
            yield run
        except BaseException as exc:
            run.crash(f"запуск прерван: {type(exc).__name__}")
            raise
