"""The figures counted in SQL are the compliance report, row for row (services/figures.py)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.quarter import Quarter
from services.app import Srok
from services.compliance import compliance_report
from services.figures import sql_report
from tests.web.conftest import _settings

AS_OF = date(2026, 12, 1)


def _city(engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Srok:
    """The benchmark's city, 700 accounts, made untidy: late by days across weekends,
    steps moved into the three quarters before, sent reminders."""
    # The benchmark sets these on import; set here, they are restored after the test.
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "WARNING")
    from benchmarks.sweep_bench import generate

    app = Srok(_settings(engine, tmp_path), actor="test")
    app.__dict__["engine"] = engine
    generate(app, 700, seed=12)
    rng = random.Random(12)
    with engine.begin() as conn:
        steps = conn.execute(sa.text("SELECT id, due, done_on FROM step WHERE due IS NOT NULL"))
        for step_id, due, done_on in steps.all():
            due = date.fromisoformat(str(due)[:10])
            shift = timedelta(days=rng.choice((0, 0, -91, -182, -273)))
            late = timedelta(days=rng.randint(1, 16)) if rng.random() < 0.35 else None
            done = date.fromisoformat(str(done_on)[:10]) if done_on else None
            if done and late:
                done = due + late
            if done and done > AS_OF:
                done = None
            conn.execute(
                sa.text("UPDATE step SET due = :due, done_on = :done WHERE id = :id"),
                {"due": due + shift, "done": done + shift if done else None, "id": step_id},
            )
        for n, (step_id, account_id, due) in enumerate(
            conn.execute(
                sa.text("SELECT id, account_id, due FROM step WHERE due IS NOT NULL")
            ).all()[::7]
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO reminder (key, step_id, account_id, kind, on_date, due, state, "
                    "working_days_left, working_days_late, specialist_ids, mailboxes, "
                    "cc_mailboxes, attempts, queued_at, refused_recipients) VALUES (:key, :step, "
                    ":account, 'before', :due, :due, :state, 0, 0, '[]', '[]', '[]', 1, "
                    ":now, 0)"
                ),
                {
                    "key": f"r{n}",
                    "step": step_id,
                    "account": account_id,
                    "due": due,
                    "state": "sent" if n % 3 else "failed",
                    "now": "2026-11-01 00:00:00",
                },
            )
    return app


def _plain(report: object) -> str:
    return json.dumps(report.as_dict(), sort_keys=True, ensure_ascii=False)  # type: ignore[attr-defined]


@pytest.mark.parametrize("quarter", ["2026Q4", "2026Q3", "2026Q2"])
def test_the_sql_figures_are_the_compliance_report(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quarter: str
) -> None:
    app = _city(engine, tmp_path, monkeypatch)

    with app.transaction() as s:
        args = {"session": s, "calendar": app.calendar, "quarter": Quarter.parse(quarter)}
        judged = compliance_report(**args, as_of=AS_OF)  # type: ignore[arg-type]
        counted = sql_report(**args, as_of=AS_OF)  # type: ignore[arg-type]

    assert judged.overall.late_days > 0 and judged.overall.reminders > 0  # the test has teeth
    assert len(judged.worst) == 10 and judged.overall.overdue > 0
    assert _plain(counted) == _plain(judged)
