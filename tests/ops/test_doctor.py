"""`srok doctor` on the demo city: each check passes, then fails on purpose and says what to do."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from cli.app import run
from models.db import make_engine, migrate
from services.app import SCHEMA_HEAD, Srok
from services.calendar_source import holidays_year
from services.demo import build_demo
from services.doctor import (
    Finding,
    check_calendar,
    check_readable_secrets,
    check_reminders,
    check_secret_key,
    exit_code,
    run_doctor,
)
from services.doctor_mail import check_notifier
from services.settings import Settings
from services.sweep import plan
from tests.conftest import PG_URL
from tests.notifications.conftest import MailSink, free_port
from tests.notifications.fake_ews import FakeEws
from tests.ops.databases import postgres_database

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Finding]]:
    code = run(["doctor", "--json"])
    data = json.loads(capsys.readouterr().out)
    return code, {c["check"]: Finding(**c) for c in data["checks"]}


def levels(findings: list[Finding]) -> dict[str, str]:
    return {f.check: f.level for f in findings}


def test_the_demo_city_passes_every_check_of_its_own(city: Path) -> None:
    findings = run_doctor(Srok(), now=NOW, env={})

    assert levels(findings) == {
        "database": "ok",
        "audit": "ok",
        "reminders": "ok",
        "calendar": "ok",
        "calendar-next": "warning",  # 01.12.2026: the 2027 decree is not in the table
        "secret-key": "ok",
        "readable-secrets": "ok",
    }


def test_the_command_prints_every_check_and_exits_1_on_warnings(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, checks = doctor(capsys)

    assert code == 1
    assert checks["prefect"].level == "warning"
    assert "PREFECT_API_URL" in checks["prefect"].text
    assert checks["notifier"].level == "ok"
    assert "письма пишутся в папку" in checks["notifier"].text


def test_the_human_output_is_russian_with_a_label_a_line(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["doctor"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith("[ок]") and "база данных" in lines[0]
    assert any(line.startswith("[внимание]") for line in lines)


def test_an_uninitialised_database_is_an_error_and_exit_2(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (city / "srok.db").unlink()

    code, checks = doctor(capsys)

    assert code == 2
    assert checks["database"].level == "error"
    assert "srok init" in checks["database"].text
    assert "audit" not in checks  # not checked on a database that is not there


def test_a_database_at_an_old_revision_says_which_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, city: Path
) -> None:
    (city / "srok.db").unlink()
    engine = make_engine(f"sqlite:///{city / 'srok.db'}")
    migrate(engine, "0006_faults")
    engine.dispose()

    findings = run_doctor(Srok(), now=NOW, env={})

    assert findings[0].level == "error"
    assert "0006_faults" in findings[0].text and SCHEMA_HEAD in findings[0].text
    assert "srok init" in findings[0].text


def test_a_broken_audit_chain_is_an_error(city: Path) -> None:
    with sqlite3.connect(city / "srok.db") as conn:
        triggers = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        ]
        for name in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("UPDATE audit_entry SET actor = 'someone else' WHERE id = 50")

    findings = {f.check: f for f in run_doctor(Srok(), now=NOW, env={})}

    assert findings["audit"].level == "error"
    assert "записи до № 49 сверены" in findings["audit"].text


def sent_reminders(city: Path) -> Srok:
    """Queue the demo city's reminders of 01.12.2026 and mark them sent that morning."""
    app = Srok()
    plan(app, as_of=date(2026, 12, 1))
    with sqlite3.connect(city / "srok.db") as conn:
        conn.execute("UPDATE reminder SET state = 'sent', queued_at = '2026-12-01 02:00:00.000000'")
    return app


def test_reminders_failed_unknown_or_queued_too_long_are_warnings(city: Path) -> None:
    app = sent_reminders(city)
    assert check_reminders(app, now=NOW).level == "ok"
    with sqlite3.connect(city / "srok.db") as conn:
        conn.execute("UPDATE reminder SET state = 'failed' WHERE id = 1")
        conn.execute("UPDATE reminder SET state = 'unknown' WHERE id = 2")
        conn.execute(
            "UPDATE reminder SET state = 'queued', queued_at = '2026-11-20 02:00:00.000000' "
            "WHERE id = 3"
        )

    finding = check_reminders(app, now=NOW)

    assert finding.level == "warning"
    assert "failed): 1" in finding.text and "unknown): 1" in finding.text
    assert "в очереди с 20.11.2026" in finding.text
    assert "srok outbox retry" in finding.text


def test_a_reminder_queued_this_morning_is_not_stuck(city: Path) -> None:
    app = sent_reminders(city)
    with sqlite3.connect(city / "srok.db") as conn:
        conn.execute("UPDATE reminder SET state = 'queued' WHERE id = 3")

    finding = check_reminders(app, now=NOW)

    assert finding.level == "ok"
    assert "в очереди 1" in finding.text


def test_this_year_without_a_decree_is_an_error() -> None:
    findings = check_calendar(None, today=date(2027, 2, 1))

    assert levels(findings)["calendar"] == "error"
    assert "srok calendar draft 2027" in findings[0].text


def test_next_years_decree_is_expected_only_from_october() -> None:
    september = levels(check_calendar(None, today=date(2026, 9, 30)))
    october = levels(check_calendar(None, today=date(2026, 10, 1)))

    assert "calendar-next" not in september
    assert october["calendar-next"] == "warning"


def test_a_table_that_holidays_disagrees_with_is_a_warning_naming_the_days(
    tmp_path: Path,
) -> None:
    year = holidays_year(2026)
    off = sorted({*year.days_off, date(2026, 6, 15)})
    working = sorted(year.working_weekends)
    calendar = tmp_path / "calendar.toml"
    calendar.write_text(
        f'[2026]\ndecree = "проверка"\ndays_off = {[d.isoformat() for d in off]}\n'
        f"working_weekends = {[d.isoformat() for d in working]}\n".replace("'", '"'),
        encoding="utf-8",
    )

    findings = check_calendar(calendar, today=date(2026, 12, 1))

    (disagreement,) = [f for f in findings if f.check == "calendar-holidays"]
    assert disagreement.level == "warning"
    assert "15.06.2026" in disagreement.text


def test_a_secret_key_others_may_read_is_an_error_and_a_missing_one_a_warning(
    city: Path,
) -> None:
    os.chmod(city / "secret_key", 0o644)
    readable = check_secret_key(city, {})
    (city / "secret_key").unlink()
    missing = check_secret_key(city, {})

    assert readable.level == "error" and "chmod 600" in readable.text
    assert missing.level == "warning"
    assert check_secret_key(city, {"SROK_SECRET_KEY": "x" * 40}).level == "ok"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("srok.env", "SROK_SMTP_PASSWORD=whatever\n"),
        ("notes.txt", "the relay takes s3cret-relay-pass\n"),
    ],
)
def test_a_world_readable_file_with_a_password_is_an_error_naming_it_not_the_password(
    city: Path, name: str, content: str
) -> None:
    env = {"SROK_SMTP_PASSWORD": "s3cret-relay-pass"}
    path = city / "config" / name
    path.parent.mkdir()
    path.write_text(content)
    os.chmod(path, 0o600)
    private = check_readable_secrets(city, env)
    os.chmod(path, 0o644)

    finding = check_readable_secrets(city, env)

    assert private.level == "ok"
    assert finding.level == "error"
    assert str(path) in finding.text
    assert "s3cret" not in finding.text


def test_an_outbox_that_is_a_file_is_an_error(city: Path) -> None:
    (city / "outbox").write_text("")

    (finding,) = check_notifier(city, {})

    assert finding.level == "error"
    assert "outbox" in finding.text


@pytest.fixture
def smtp_with_login() -> Iterator[int]:
    """aiosmtpd asking for a login (AUTH PLAIN/LOGIN without TLS, on loopback only)."""

    def authenticate(_s: Any, _session: Any, _e: Any, _mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"srok",
            b"right-password",
        )
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(
        MailSink(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _smtp_env(port: int, password: str) -> dict[str, str]:
    return {
        "SROK_NOTIFIER": "smtp",
        "SROK_SMTP_HOST": "127.0.0.1",
        "SROK_SMTP_PORT": str(port),
        "SROK_SMTP_SECURITY": "none",
        "SROK_SMTP_USER": "srok",
        "SROK_SMTP_PASSWORD": password,
    }


def test_smtp_that_connects_and_authenticates_is_ok(city: Path, smtp_with_login: int) -> None:
    (finding,) = check_notifier(city, _smtp_env(smtp_with_login, "right-password"))

    assert finding.level == "ok", finding.text
    assert "SMTP" in finding.text


def test_smtp_refusing_the_password_is_an_error(city: Path, smtp_with_login: int) -> None:
    (finding,) = check_notifier(city, _smtp_env(smtp_with_login, "wrong-password"))

    assert finding.level == "error"
    assert "учётные данные" in finding.text
    assert "wrong-password" not in finding.text


def test_smtp_that_does_not_answer_is_an_error(city: Path) -> None:
    (finding,) = check_notifier(city, _smtp_env(free_port(), "right-password"))

    assert finding.level == "error"
    assert "нет соединения" in finding.text


def _ews_env(ews: FakeEws, password: str) -> dict[str, str]:
    return {
        "SROK_NOTIFIER": "exchange",
        "SROK_EWS_ENDPOINT": ews.endpoint,
        "SROK_EWS_SENDER": "srok@novoaltaysk.example",
        "SROK_EWS_AUTH": "basic",
        "SROK_EWS_USERNAME": ews.state.username,
        "SROK_EWS_PASSWORD": password,
    }


def test_exchange_logs_in_and_finds_sent_items_without_sending(city: Path) -> None:
    with FakeEws() as ews:
        (finding,) = check_notifier(city, _ews_env(ews, ews.state.password))

        assert finding.level == "ok", finding.text
        assert ews.state.sent == []
        assert "CreateItem" not in ews.state.requests


def test_exchange_refusing_the_password_is_an_error(city: Path) -> None:
    with FakeEws() as ews:
        (finding,) = check_notifier(city, _ews_env(ews, "wrong"))

    assert finding.level == "error"
    assert ews.state.refused >= 1


def test_the_exit_code_is_the_worst_finding() -> None:
    ok = Finding("a", "ok", "")
    warning = Finding("b", "warning", "")
    error = Finding("c", "error", "")

    assert [exit_code([ok]), exit_code([ok, warning]), exit_code([warning, error, ok])] == [0, 1, 2]


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="SROK_TEST_DATABASE_URL is not set")
def test_on_postgresql_the_database_checks_read_the_same(tmp_path: Path) -> None:
    with postgres_database() as url:
        env = {"SROK_HOME": str(tmp_path), "SROK_DATABASE_URL": url, "SROK_TODAY": "2026-12-01"}
        app = Srok(Settings.from_env(env))
        try:
            app.init()
            build_demo(app)
            plan(app, as_of=date(2026, 12, 1))
            with app.engine.begin() as conn:
                conn.exec_driver_sql(
                    "UPDATE reminder SET state = 'failed', queued_at = '2026-11-20 02:00+00' "
                    "WHERE id = 1"
                )
                conn.exec_driver_sql(
                    "UPDATE reminder SET queued_at = '2026-11-20 02:00+00' WHERE id = 2"
                )
            findings = {f.check: f for f in run_doctor(app, now=NOW, env={})}
        finally:
            app.close()

    assert findings["database"].level == "ok"
    assert findings["audit"].level == "ok"
    assert findings["reminders"].level == "warning"
    assert "failed): 1" in findings["reminders"].text
    assert "в очереди с 20.11.2026 02:00 UTC" in findings["reminders"].text


def test_a_fresh_city_with_an_empty_journal_is_described_in_words_not_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.setenv("SROK_DATABASE_URL", f"sqlite:///{tmp_path / 'srok.db'}")
    for name in ("SROK_CALENDAR_FILE", "SROK_ANCHOR_FILE", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    assert run(["init"]) == 0
    capsys.readouterr()

    _code, findings = doctor(capsys)
    run(["audit", "verify"])
    verified = capsys.readouterr().out

    assert "None" not in findings["audit"].text and "журнал пуст" in findings["audit"].text
    assert "None" not in verified and "журнал пуст" in verified


def test_a_key_of_its_own_on_a_host_of_several_is_a_warning(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text("k" * 64)
    key.chmod(0o600)
    central = {"PREFECT_API_URL": "https://prefect.srok.novoaltaysk.local/api"}

    several = check_secret_key(tmp_path, central)
    alone = check_secret_key(tmp_path, {"PREFECT_API_URL": "http://127.0.0.1:4200/api"})
    shared = check_secret_key(tmp_path, {**central, "SROK_SECRET_KEY": "x" * 40})

    assert several.level == "warning" and "SROK_SECRET_KEY" in several.text
    assert alone.level == shared.level == "ok"


def test_a_doctor_that_cannot_run_exits_2_not_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """1 tells monitoring «warnings only»; a home srok may not write into is an error."""
    home = Path("/proc/1/root")  # exists, and refuses even root a new file
    monkeypatch.setenv("SROK_HOME", str(home))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)

    code = run(["doctor", "--json"])
    answer = json.loads(capsys.readouterr().out)

    if "error" not in answer:
        pytest.skip("this machine lets the doctor into /proc/1/root")
    assert code == 2


def test_an_outbox_that_cannot_be_made_is_an_error_even_for_root(tmp_path: Path) -> None:
    from services.doctor_mail import check_outbox

    impossible = check_outbox(Path("/proc/srok-home/outbox"))
    missing = check_outbox(tmp_path / "home" / "outbox")

    assert impossible.level == "error"
    assert missing.level == "ok" and "проверена" not in missing.text and "нет" in missing.text
