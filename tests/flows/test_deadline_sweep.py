"""The deadline-sweep flow on a real (test) Prefect server: runs, artifacts, failure, privacy."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.app import Srok
from services.audit import head
from services.demo import build_demo
from services.settings import Settings
from tests.notifications.conftest import free_port

PERSONAL = ("Тестова", "Примеров", "Образцова", "Условный", "Макетова", "specialist", "000-01-")


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SROK_NOTIFIER", "outbox")
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")  # a sweep never runs ahead of today
    app = Srok(dataclasses.replace(Settings.from_env(), today_override=date(2026, 12, 1)))
    app.init()
    build_demo(app)
    return tmp_path


def _artifacts_and_logs(flow_run_id: Any) -> tuple[list[Any], list[str]]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )

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


def test_a_sweep_sends_the_days_reminders_once_and_reports_them(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    first = deadline_sweep(as_of=date(2026, 12, 1), return_state=True)
    second = deadline_sweep(as_of=date(2026, 12, 1))

    assert first.is_completed()
    result = first.result()
    assert result["due"] == 7 and len(result["sent"]) == 7 and result["ok"]
    assert second["queued"] == 0 and second["sent"] == []
    assert len(list((city / "outbox").glob("*.eml"))) == 7
    with Srok().engine.connect() as conn:
        head_id, head_hash = head(conn)
    anchored = (city / "anchors" / "audit-head.txt").read_text(encoding="utf-8")
    assert anchored.splitlines()[-1] == f"2026-12-01 {head_id}:{head_hash}"  # outside the db
    artifacts, logs = _artifacts_and_logs(first.state_details.flow_run_id)
    assert {a.key for a in artifacts} == {"deadline-sweep-open-steps", "deadline-sweep-summary"}
    published = " ".join(_text(a.data) for a in artifacts) + " ".join(logs)
    assert "Комитет по образованию" in published
    assert not [p for p in PERSONAL if p in published]


def test_a_day_off_is_skipped_by_the_flow(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    result = deadline_sweep(as_of=date(2026, 11, 28))

    assert result["skipped_day_off"] and result["sent"] == []
    assert not (city / "outbox").exists()


def test_a_dry_run_queues_and_sends_nothing(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    result = deadline_sweep(as_of=date(2026, 12, 1), dry_run=True)

    assert result["due"] == 7 and result["queued"] == 0
    assert not (city / "outbox").exists()


def test_undelivered_reminders_fail_the_run_after_all_were_tried(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.deadline_sweep import deadline_sweep
    from services import sweep

    monkeypatch.setenv("SROK_NOTIFIER", "smtp")
    monkeypatch.setenv("SROK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SROK_SMTP_PORT", str(free_port()))  # nobody listens
    monkeypatch.setenv("SROK_SMTP_SECURITY", "none")
    monkeypatch.setattr(sweep, "deliver", _no_backoff(sweep.deliver))

    state = deadline_sweep(as_of=date(2026, 12, 1), return_state=True)

    assert state.is_failed()
    assert "не доставлены напоминания" in (state.message or "")
    from sqlmodel import select

    from models.tables import Reminder

    with Srok().transaction() as session:
        states = session.exec(select(Reminder.state, Reminder.attempts)).all()
    assert states == [("queued", 1)] * 7  # every reminder tried, none lost


def _no_backoff(real: Any) -> Any:
    def fast(**kwargs: Any) -> Any:
        return real(**{**kwargs, "attempts": 1, "backoff": lambda n: 0})

    return fast


def _text(data: Any) -> str:
    """Artifact data as a reader sees it: JSON tables decoded, so Cyrillic is searchable."""
    import json

    if isinstance(data, str):
        try:
            return json.dumps(json.loads(data), ensure_ascii=False)
        except ValueError:
            return data
    return json.dumps(data, ensure_ascii=False)
