"""What the Prefect server holds about a finished flow run: its state, artifacts and logs.

A run's logs travel to the server in the background (prefect.logging's
APILogWorker, in batches), so reading them as soon as the flow returns reads
whatever happened to arrive. These helpers first check that the run is final
on the server, then drain the log worker (which blocks until the server has
stored every queued line), and only then read.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from sqlmodel import select


def flush_run_logs() -> None:
    """Send every queued log line to the server and wait until it has stored them."""
    from prefect.logging.handlers import APILogWorker

    _done, pending = APILogWorker.drain_all(timeout=60)  # type: ignore[misc]
    assert not pending, "the log worker did not finish sending"


def run_records(flow_run_id: Any) -> tuple[list[Any], list[str]]:
    """Return a finished run's artifacts and every log line it sent, read after the flush."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )

    async def final() -> bool:
        async with get_client() as client:
            run = await client.read_flow_run(flow_run_id)
            return bool(run.state and run.state.is_final())

    assert asyncio.run(final()), "the run is not final on the server yet"
    flush_run_logs()

    async def read() -> tuple[list[Any], list[str]]:
        async with get_client() as client:
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
                )
            )
            logs = await client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
            )
            return artifacts, [log.message for log in logs]

    return asyncio.run(read())


def text(data: Any) -> str:
    """Artifact data as a reader sees it: JSON tables decoded, so Cyrillic is searchable."""
    if isinstance(data, str):
        try:
            return json.dumps(json.loads(data), ensure_ascii=False)
        except ValueError:
            return data
    return json.dumps(data, ensure_ascii=False)


def personal_data(session: Any) -> list[str]:
    """Every item of п. 3.3 абзац 5 of every specialist: full name, each part, position, phone, email."""
    from models.tables import Specialist

    found: list[str] = []
    for p in session.exec(select(Specialist)).all():
        found += [p.full_name, *p.full_name.split(), p.position, p.phone, p.email]
        found.append(p.email.partition("@")[0])
    return sorted(set(found))


def leaks(secrets: Iterable[str], published: str) -> list[str]:
    return [s for s in secrets if s and s in published]
