"""The whole-city status: the summary counts what every step's status says, the worst first."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest

from services.app import Srok
from services.demo import build_demo
from services.settings import Settings
from services.status import iter_step_views, most_overdue, status_summary, step_views

DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Srok:
    home = tmp_path_factory.mktemp("status")
    app = Srok(dataclasses.replace(Settings.from_env({"SROK_HOME": str(home)}), today_override=DAY))
    app.init()
    build_demo(app)
    return app


@pytest.mark.parametrize("day", [date(2026, 10, 1), date(2026, 11, 10), DAY])
def test_the_summary_by_organ_counts_what_each_step_status_says(demo: Srok, day: date) -> None:
    with demo.transaction() as session:
        views = step_views(session=session, calendar=demo.calendar, as_of=day)
        summary = status_summary(session=session, as_of=day)

    expected = Counter((v.organ_id, v.state) for v in views)
    accounts = Counter(v.organ_id for v in {(v.organ_id, v.account_id): v for v in views}.values())
    assert summary, "the demo city has organs"
    for s in summary:
        assert (s.overdue, s.pending, s.waiting, s.done, s.done_late) == (
            expected[(s.organ_id, "overdue")],
            expected[(s.organ_id, "pending")],
            expected[(s.organ_id, "waiting")],
            expected[(s.organ_id, "done")],
            expected[(s.organ_id, "done_late")],
        )
        assert s.accounts == accounts[s.organ_id]
    assert [s.overdue for s in summary] == sorted((s.overdue for s in summary), reverse=True)


def test_the_most_overdue_steps_come_longest_first_and_are_all_overdue(demo: Srok) -> None:
    with demo.transaction() as session:
        views = step_views(session=session, calendar=demo.calendar, as_of=DAY)
        worst = most_overdue(session=session, calendar=demo.calendar, as_of=DAY, limit=3)

    overdue = sorted((v for v in views if v.state == "overdue"), key=lambda v: -v.late_working_days)
    assert len(overdue) > 3
    assert [v.step_id for v in worst] == [v.step_id for v in overdue[:3]]
    assert [v.as_dict() for v in worst] == [v.as_dict() for v in overdue[:3]]


def test_streamed_views_are_the_listed_views_in_the_same_order(demo: Srok) -> None:
    with demo.transaction() as session:
        listed = step_views(session=session, calendar=demo.calendar, as_of=DAY)
        streamed = list(
            iter_step_views(session=session, calendar=demo.calendar, as_of=DAY, batch=7)
        )

    assert streamed == listed
