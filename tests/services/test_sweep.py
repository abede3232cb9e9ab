"""The sweep's report: counts by organ agree with the status of every step."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from services.app import Srok
from services.delivery import DeliveryReport
from services.reminders import PlanReport
from services.settings import Settings
from services.status import step_views
from services.sweep import (
    deliver_queued,
    not_delivered,
    open_steps_by_organ,
    sent_earlier,
    summarise,
    summary_markdown,
)
from tests.conftest import copy_database
from tests.notifications.conftest import free_port

DAY = date(2026, 12, 1)


def _demo(tmp_path: Path, template: Path) -> Srok:
    copy_database(template, tmp_path)
    return Srok(
        dataclasses.replace(Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=DAY)
    )


def test_the_open_steps_table_counts_what_status_shows(tmp_path: Path, demo_template: Path) -> None:
    app = _demo(tmp_path, demo_template)
    with app.transaction() as session:
        views = step_views(session=session, calendar=app.calendar, as_of=DAY, open_only=True)
    expected = Counter(v.state for v in views)

    table = open_steps_by_organ(app, as_of=DAY)

    total = table[-1]
    assert total["орган"] == "всего"
    assert (total["просрочен"], total["в работе"], total["ожидает предыдущего шага"]) == (
        expected["overdue"],
        expected["pending"],
        expected["waiting"],
    )
    it = {"3.4", "3.5"}  # the IT department's own steps, on a row of their own
    per_organ = Counter(
        "Отдел информатизации" if v.clause in it else v.organ for v in views if v.state == "overdue"
    )
    assert {r["орган"]: r["просрочен"] for r in table[:-1] if r["просрочен"]} == dict(per_organ)
    overdue = [r["просрочен"] for r in table[:-1]]
    assert overdue == sorted(overdue, reverse=True)


def test_the_table_lists_at_most_the_worst_organs_and_a_total(
    tmp_path: Path, demo_template: Path
) -> None:
    app = _demo(tmp_path, demo_template)

    table = open_steps_by_organ(app, as_of=DAY, limit=2)

    assert len(table) == 3 and table[-1]["орган"] == "всего"


def test_the_summary_names_reminders_by_id_only() -> None:
    summary = summarise(
        PlanReport(
            as_of=DAY, open_steps=5, due=2, queued=2, by_kind={"escalation": 1, "heads_up": 1}
        ),
        None,
        dry_run=True,
    )

    text = summary_markdown(summary)

    assert "Проверка сроков на 01.12.2026 (пробный запуск)" in text
    assert "эскалация: 1" in text and "накануне срока: 1" in text


def test_the_it_departments_steps_stand_apart_from_the_organs(
    tmp_path: Path, demo_template: Path
) -> None:
    app = _demo(tmp_path, demo_template)
    with app.transaction() as session:
        views = step_views(session=session, calendar=app.calendar, as_of=DAY, open_only=True)

    rows = {r["орган"]: r for r in open_steps_by_organ(app, as_of=DAY)}

    it = rows["Отдел информатизации"]
    mine = [v for v in views if v.clause in {"3.4", "3.5"}]
    assert mine and sum(it[k] for k in ("просрочен", "в работе", "ожидает предыдущего шага")) == (
        len(mine)
    )


def test_a_red_run_says_why_per_channel_without_personal_data(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _demo(tmp_path, demo_template)
    monkeypatch.setenv("SROK_NOTIFIER", "smtp")
    monkeypatch.setenv("SROK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SROK_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("SROK_SMTP_SECURITY", "none")
    from services.sweep import plan

    planned = plan(app, as_of=DAY)

    delivery = deliver_queued(app, backoff=lambda n: 0)
    summary = summarise(planned, delivery, dry_run=False)
    message = not_delivered(summary)
    markdown = summary_markdown(summary)

    assert not summary.ok and summary.channel == "smtp"
    # Two reminders in a row that could not reach the server stop the run: the rest wait.
    assert len(delivery.retry_later) == 2 and delivery.stopped and not delivery.sent
    (cause,) = summary.causes
    assert "SMTP" in cause and sorted(summary.causes[cause]) == sorted(
        set(delivery.failed + delivery.retry_later + delivery.unknown)
    )
    assert f"Причина (канал smtp): {cause}" in message
    assert "Причины (канал smtp):" in markdown and cause in markdown
    assert "@" not in message and "@" not in markdown


def test_a_second_sweep_the_same_day_says_the_reminders_were_already_sent(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _demo(tmp_path, demo_template)
    monkeypatch.setenv("SROK_NOTIFIER", "outbox")
    from services.sweep import plan

    first = summarise(plan(app, as_of=DAY), deliver_queued(app), dry_run=False)
    again_plan = plan(app, as_of=DAY)
    earlier = sent_earlier(app, as_of=DAY)
    again = summarise(again_plan, deliver_queued(app), dry_run=False, sent_before=earlier)

    assert first.sent and again.queued == 0 and again.sent == []
    assert again.sent_before == len(first.sent) and again.sent_before_at
    text = summary_markdown(again)
    assert f"уже отправлено раньше сегодня: {len(first.sent)}" in text
    assert "повторный запуск ничего не отправляет второй раз" in text


def test_the_causes_reach_the_summary_from_the_delivery_report() -> None:
    delivery = DeliveryReport(
        retry_later=[27, 28], channel="smtp", causes={"SMTP: нет соединения": [27, 28]}
    )

    summary = summarise(PlanReport(as_of=DAY, due=2, queued=2), delivery, dry_run=False)

    assert "SMTP: нет соединения (№27, №28)" in not_delivered(summary)
