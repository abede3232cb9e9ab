"""The deadline-sweep flow on a real (test) Prefect server: runs, artifacts, failure, privacy."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.app import Srok
from services.audit import head
from tests.conftest import copy_database
from tests.flows.records import leaks, personal_data, run_records, text
from tests.notifications.conftest import free_port


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_template: Path) -> Path:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SROK_NOTIFIER", "outbox")
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")  # a sweep never runs ahead of today
    copy_database(demo_template, tmp_path)
    return tmp_path


def test_a_sweep_sends_the_days_reminders_once_and_reports_them(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    first = deadline_sweep(as_of=date(2026, 12, 1), return_state=True)
    second = deadline_sweep(as_of=date(2026, 12, 1))

    assert first.is_completed()
    result = first.result()
    assert result["due"] == 8 and len(result["sent"]) == 8 and result["ok"]  # 7 + п. 1.6
    assert second["queued"] == 0 and second["sent"] == []
    assert len(list((city / "outbox").glob("*.eml"))) == 8
    with Srok().engine.connect() as conn:
        head_id, head_hash = head(conn)
    anchored = (city / "anchors" / "audit-head.txt").read_text(encoding="utf-8")
    assert anchored.splitlines()[-1] == f"2026-12-01 {head_id}:{head_hash}"  # outside the db
    artifacts, _ = run_records(first.state_details.flow_run_id)
    assert {a.key for a in artifacts} == {"deadline-sweep-open-steps", "deadline-sweep-summary"}
    assert "Комитет по образованию" in " ".join(text(a.data) for a in artifacts)


def test_no_specialists_data_reaches_the_logs_artifacts_or_delivery_records(
    city: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from flows.deadline_sweep import deadline_sweep

    caplog.set_level(logging.DEBUG)  # every standard logger, delivery's included

    state = deadline_sweep(as_of=date(2026, 12, 1), return_state=True)

    artifacts, logs = run_records(state.state_details.flow_run_id)
    # First what must be there, so that an empty read cannot pass for a clean one.
    assert "на 2026-12-01: напоминаний по графику 8, новых в очереди 8" in logs
    assert "отправлено напоминаний: 8" in logs
    assert any("Finished in state Completed" in line for line in logs)
    standard = [r.getMessage() for r in caplog.records]
    assert "отправлено напоминаний: 8" in standard
    with Srok().transaction() as session:
        secrets = personal_data(session)
        audit = (
            session.execute(sa.text("SELECT * FROM audit_entry WHERE action LIKE 'reminder.%'"))
            .mappings()
            .all()
        )
    assert len(secrets) >= 20 and len(audit) == 3 * 8  # queued, sending, sent
    published = "\n".join(
        [*logs, *standard, *(text(a.data) for a in artifacts), text(state.result())]
        + [json.dumps(dict(row), ensure_ascii=False, default=str) for row in audit]
    )
    assert leaks(secrets, published) == []


def test_a_day_off_is_skipped_by_the_flow(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    result = deadline_sweep(as_of=date(2026, 11, 28))

    assert result["skipped_day_off"] and result["sent"] == []
    assert not (city / "outbox").exists()


def test_a_dry_run_queues_and_sends_nothing(city: Path) -> None:
    from flows.deadline_sweep import deadline_sweep

    result = deadline_sweep(as_of=date(2026, 12, 1), dry_run=True)

    assert result["due"] == 8 and result["queued"] == 0
    assert not (city / "outbox").exists()


def test_a_dead_mail_server_fails_the_run_and_says_why_leaving_the_rest_queued(
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
    # The cause, per channel, is in the run's message (issue 10), not only in the outbox.
    assert "Причина (канал smtp): SMTP: нет соединения с 127.0.0.1" in (state.message or "")
    from sqlmodel import select

    from models.tables import Reminder

    with Srok().transaction() as session:
        rows = session.exec(select(Reminder.state, Reminder.attempts, Reminder.last_error)).all()
        secrets = personal_data(session)
        audit = session.execute(sa.text("SELECT after FROM audit_entry")).scalars().all()
    # Two tried in vain stop the run; the rest wait, untried, for the next one. None lost.
    assert [(r[0], r[1]) for r in rows] == [("queued", 1)] * 2 + [("queued", 0)] * 6
    errors = [r[2] or "" for r in rows[:2]]
    assert all("нет соединения с 127.0.0.1" in e for e in errors)
    _, logs = run_records(state.state_details.flow_run_id)
    assert any("не доставлены напоминания" in line for line in logs)
    assert leaks(secrets, "\n".join([*errors, *logs, *(a or "" for a in audit)])) == []


def _no_backoff(real: Any) -> Any:
    def fast(**kwargs: Any) -> Any:
        return real(**{**kwargs, "attempts": 1, "backoff": lambda n: 0})

    return fast
