"""`srok sweep` through Prefect's local temporary server, and `srok outbox` for people."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.cli.test_cli import Srok, build_city
from tests.conftest import copy_database
from tests.notifications.conftest import free_port


@pytest.fixture
def city(tmp_path: Path, sqlite_template: Path) -> Srok:
    copy_database(sqlite_template, tmp_path)
    build_city(tmp_path, created_on=date(2026, 11, 2), head_email="head@example.invalid")
    cli = Srok(tmp_path)
    cli.env["PREFECT_HOME"] = str(tmp_path / "prefect")
    cli.env["DO_NOT_TRACK"] = "1"
    # Prefect waits 20 s for its temporary server by default; a loaded machine needs more.
    cli.env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
    cli.env["SROK_IT_EMAIL"] = "it@example.invalid"
    return cli


def test_a_sweep_runs_through_prefect_and_fills_the_outbox(city: Srok, tmp_path: Path) -> None:
    result = city.json("sweep", "--as-of", "2026-11-11", timeout=240)  # starts a server

    assert result["ok"] and result["by_kind"] == {"escalation": 1, "overdue": 1}
    assert len(result["sent"]) == 2
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    listed = city.json("outbox", "list")
    assert [(r["clause"], r["kind"], r["state"]) for r in listed] == [
        ("3.1", "escalation", "sent"),
        ("1.4", "overdue", "sent"),
    ]
    assert "a@example.invalid" not in city.run("outbox", "list").stdout


def test_a_sweep_on_a_day_off_says_so() -> None:
    # The flow's skipping of a day off is tested on the shared server
    # (tests/flows/test_deadline_sweep.py); here only the CLI's words for it.
    from cli.sweep_commands import _human

    said = _human({"as_of": "2026-11-04", "sent": [], "skipped_day_off": True})

    assert said == "04.11.2026: нерабочий день, напоминания не отправляются"


def test_outbox_retry_delivers_what_a_dead_channel_left_queued(city: Srok, tmp_path: Path) -> None:
    from sqlmodel import Session

    from models.db import make_engine
    from services.calendar_source import build_calendar
    from services.reminders import plan_reminders

    engine = make_engine(f"sqlite:///{tmp_path / 'srok.db'}")
    with Session(engine) as session:
        plan_reminders(
            session=session,
            calendar=build_calendar(None),
            as_of=date(2026, 11, 5),
            it_mailbox="it@example.invalid",
        )
        session.commit()
    engine.dispose()
    down = {
        "SROK_NOTIFIER": "smtp",
        "SROK_SMTP_HOST": "127.0.0.1",
        "SROK_SMTP_PORT": str(free_port()),
        "SROK_SMTP_SECURITY": "none",
    }
    city.env.update(down)
    failed = city.run("outbox", "retry", code=1)
    for key in down:
        city.env.pop(key)

    retried = city.json("outbox", "retry")

    assert "отправлено: 0" in failed.stdout
    assert retried["sent"] == [1]
    assert city.json("outbox", "list", "--state", "sent")[0]["kind"] == "heads_up"
    assert city.json("outbox", "list", "--state", "nonsense", code=2)["error"]["field"] == "--state"
