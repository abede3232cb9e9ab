"""The compliance-report flow: a weekly artifact, and the quarter's report mailed once."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import copy_database
from tests.flows.records import run_records as _artifacts_and_logs
from tests.flows.records import text as _text


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_template: Path) -> Path:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SROK_REPORT_EMAIL", "deputy@example.invalid")
    monkeypatch.setenv("SROK_NOTIFIER", "outbox")
    copy_database(demo_template, tmp_path)
    return tmp_path


def test_a_weekly_run_publishes_figures_and_mails_nothing_mid_quarter(demo: Path) -> None:
    from flows.compliance_report import compliance_report_flow

    state = compliance_report_flow(as_of=date(2026, 11, 30), return_state=True)

    assert state.result()["mailed"] is None
    artifacts, _ = _artifacts_and_logs(state.state_details.flow_run_id)
    text = _text(artifacts[0].data)
    assert "Исполнение сроков за IV квартал 2026 г." in text and "| Комитет по культуре" in text
    assert not (demo / "outbox").exists()


def test_the_first_week_after_a_quarter_mails_its_report_once(demo: Path) -> None:
    from flows.compliance_report import compliance_report_flow

    first = compliance_report_flow(as_of=date(2026, 10, 5))
    second = compliance_report_flow(as_of=date(2026, 10, 5))

    assert "отправлен (outbox)" in first["mailed"] and "уже отправлен" in second["mailed"]
    (letter,) = (demo / "outbox").glob("*.eml")
    mail = message_from_bytes(letter.read_bytes(), policy=policy.default)
    assert mail["To"] == "deputy@example.invalid"
    assert mail["Subject"] == (
        "Исполнение Порядка ведения аккаунтов (постановление № 608) за III квартал 2026 г."
    )
    html = mail.get_body(("html",))
    assert html is not None and 'class="trend cards"' in html.get_content()
