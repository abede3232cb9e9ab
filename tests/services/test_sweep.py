"""The sweep's report: counts by organ agree with the status of every step."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from pathlib import Path

from services.app import Srok
from services.reminders import PlanReport
from services.settings import Settings
from services.status import step_views
from services.sweep import open_steps_by_organ, summarise, summary_markdown
from tests.conftest import copy_database

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
    per_organ = Counter(v.organ for v in views if v.state == "overdue")
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
