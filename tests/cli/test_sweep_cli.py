"""`srok sweep` through Prefect's local temporary server, and `srok outbox` for people."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.cli.test_cli import Srok, build_city
from tests.conftest import copy_database
from tests.notifications.conftest import MailSink, free_port


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

    said = _human({"as_of": "2026-11-04", "sent": [], "skipped_day_off": True, "ok": True})

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


def test_a_sweep_for_a_day_still_to_come_is_refused_but_a_dry_run_may_look_ahead(
    city: Srok,
) -> None:
    refused = city.json("sweep", "--as-of", "2027-02-10", code=2)  # today is 01.12.2026

    ahead = city.json("sweep", "--as-of", "2027-02-10", "--dry-run")

    assert refused["error"]["field"] == "--as-of"
    assert "--dry-run" in refused["error"]["message"]
    assert city.json("outbox", "list") == []  # no key claimed for that day
    assert ahead["ok"] and ahead["dry_run"] and ahead["queued"] == 0


@pytest.mark.parametrize(
    ("env", "field"),
    [
        (
            {"SROK_NOTIFIER": "smtp", "SROK_SMTP_HOST": "h", "SROK_SMTP_PORT": "abc"},
            "SROK_SMTP_PORT",
        ),
        (
            {"SROK_NOTIFIER": "smtp", "SROK_SMTP_HOST": "h", "SROK_SMTP_SECURITY": "rot13"},
            "SROK_SMTP_SECURITY",
        ),
        ({"SROK_NOTIFIER": "smtp"}, "SROK_SMTP_HOST"),
        ({"SROK_NOTIFIER": "exchange"}, "SROK_EWS_ENDPOINT"),
        (
            {
                "SROK_NOTIFIER": "exchange",
                "SROK_EWS_ENDPOINT": "https://mail.example/EWS/Exchange.asmx",
                "SROK_EWS_SENDER": "srok@example.invalid",
                "SROK_EWS_AUTH": "kerberos5000",
            },
            "SROK_EWS_AUTH",
        ),
    ],
)
def test_a_channels_bad_settings_stop_a_sweep_before_anything_is_queued(
    city: Srok, env: dict[str, str], field: str
) -> None:
    city.env.update(env)

    result = city.run("sweep", "--as-of", "2026-11-11", "--json", code=2)

    assert json.loads(result.stdout)["error"]["field"] == field
    assert city.json("outbox", "list") == []


def test_a_red_sweep_says_why_in_russian_without_a_traceback(
    city: Srok, smtp_server: tuple[MailSink, int]
) -> None:
    sink, port = smtp_server
    sink.refuse = {"a@example.invalid", "head@example.invalid", "it@example.invalid"}
    city.env.update(
        {"SROK_NOTIFIER": "smtp", "SROK_SMTP_HOST": "127.0.0.1", "SROK_SMTP_PORT": str(port)}
    )
    city.env["SROK_SMTP_SECURITY"] = "none"

    red = city.run("sweep", "--as-of", "2026-11-11", code=1)  # no traceback: Srok.run checks

    assert "не доставлены напоминания" in red.stdout
    assert "srok outbox retry" in red.stdout
    assert "RemindersNotDelivered" not in red.stdout + red.stderr
    assert [r["state"] for r in city.json("outbox", "list")] == ["failed", "failed"]


def test_several_sweeps_started_at_once_all_finish_and_send_each_reminder_once(
    city: Srok, tmp_path: Path
) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", "sweep", "--as-of", "2026-11-11", "--json"],
            env=city.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outcomes = [(run.wait(timeout=600), *run.communicate()) for run in runs]

    assert [code for code, _, _ in outcomes] == [0, 0], [err[-2000:] for *_, err in outcomes]
    assert not [err for *_, err in outcomes if "Traceback" in err]
    sent = sorted(i for _, out, _ in outcomes for i in json.loads(out)["sent"])
    assert sent == [1, 2]  # between them, each reminder once
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
