"""The compliance report's figures on a small example checked by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from services.accounts import add_organ
from services.compliance import compliance_report, render
from services.delivery import deliver
from services.events import record_link, record_notice
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import ACTOR, TODAY, account

AS_OF = date(2026, 11, 30)


def _example(engine: sa.Engine, session: Session, calendar: WorkingCalendar) -> None:
    a = add_organ(session=session, name="Орган А", actor=ACTOR, today=TODAY)
    b = add_organ(session=session, name="Орган Б", actor=ACTOR, today=TODAY)
    # А: created Thu 01.10 -> 3.1 due 06.10 (done 05.10: on time); 1.4 due 08.10 (done 12.10:
    # late by 09.10 and 12.10 = 2 working days); 3.4 from receipt 05.10 due 12.10, never done.
    one = account(
        session, calendar, a.id or 0, url="https://vk.com/a", created_on=date(2026, 10, 1)
    )
    record_notice(
        session=session,
        calendar=calendar,
        account_id=one.id or 0,
        on=date(2026, 10, 5),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    plan_reminders(
        session=session, calendar=calendar, as_of=date(2026, 10, 9), it_mailbox="it@x.invalid"
    )
    session.commit()
    deliver(
        engine=engine, notifier=RecordingNotifier(), sender="s@x.invalid"
    )  # 1.4 overdue: 1 sent
    record_link(
        session=session,
        account_id=one.id or 0,
        on=date(2026, 10, 12),
        page=None,
        actor=ACTOR,
        today=TODAY,
    )
    # Б: created Mon 02.11 -> 3.1 due 06.11 (04.11 off), done 10.11: late 09.10, 10.11 = 2;
    # 1.4 due 10.11, never done; 3.4 from 10.11 due 17.11, never done.
    two = account(
        session, calendar, b.id or 0, url="https://vk.com/b", created_on=date(2026, 11, 2)
    )
    record_notice(
        session=session,
        calendar=calendar,
        account_id=two.id or 0,
        on=date(2026, 11, 10),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()


def test_the_figures_of_a_hand_checked_quarter(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _example(engine, session, calendar)

    report = compliance_report(
        session=session, calendar=calendar, quarter=Quarter(2026, 4), as_of=AS_OF
    ).as_dict()

    a, b = report["organs"]["Орган А"], report["organs"]["Орган Б"]
    it = report["organs"]["Отдел информатизации"]
    assert list(report["organs"]) == ["Орган А", "Орган Б", "Отдел информатизации"]
    assert (a["3.1"]["due"], a["3.1"]["on_time"]) == (1, 1)
    assert (a["1.4"]["late"], a["1.4"]["late_days"], a["1.4"]["reminders"]) == (1, 2, 1)
    assert (b["3.1"]["late"], b["3.1"]["late_days"]) == (1, 2)
    assert b["1.4"]["overdue"] == 1
    assert "3.4" not in a and "3.4" not in b  # the IT department owes п. 3.4, not the organs
    assert it["3.4"]["overdue"] == 2
    assert report["totals"]["Орган А"]["on_time_rate"] == 0.5
    assert report["totals"]["Орган Б"]["on_time_rate"] == 0.0
    for clauses in report["organs"].values():  # every row adds up
        for t in clauses.values():
            assert t["judged"] == t["on_time"] + t["late"] + t["overdue"]
            assert t["due"] == t["judged"] + t["pending"]
    overall = report["overall"]
    assert (overall["judged"], overall["on_time"], overall["late"], overall["overdue"]) == (
        6,
        1,
        2,
        3,
    )
    assert overall["on_time_rate"] == 0.167
    # Who is late now: А's 3.4 (due 12.10), Б's 1.4 (10.11) and 3.4 (17.11), worst first.
    assert report["late_now_total"] == 3
    assert [(c["owner"], c["organ"], c["clause"]) for c in report["late_now"]] == [
        ("Отдел информатизации", "Орган А", "3.4"),
        ("Орган Б", "Орган Б", "1.4"),
        ("Отдел информатизации", "Орган Б", "3.4"),
    ]
    worst = report["worst"][0]
    # А's п. 3.4, due 12.10: 14 working days left in October, 20 in November (04.11 off).
    assert (worst["owner"], worst["organ"], worst["clause"], worst["late_working_days"]) == (
        "Отдел информатизации",
        "Орган А",
        "3.4",
        34,
    )
    assert len(report["worst"]) == 5
    assert report["trend"]["Орган А"] == {
        "2026Q1": None,
        "2026Q2": None,
        "2026Q3": None,
        "2026Q4": 0.5,
    }


def test_the_report_comes_as_html_with_a_chart_csv_and_json(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _example(engine, session, calendar)
    report = compliance_report(
        session=session, calendar=calendar, quarter=Quarter(2026, 4), as_of=AS_OF
    )

    html = render(report, "html").decode()
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode())))
    data = json.loads(render(report, "json"))

    assert (
        '<html lang="ru">' in html
        and 'class="trend cards"' in html
        and "IV квартал 2026 г." in html
    )
    assert '<th scope="col">IV кв. 2026</th>' in html and "2026Q" not in html
    assert 'data-label="IV кв. 2026"' in html and "50 %" in html
    trend = html.split('class="trend cards"')[1].split("</table>")[0]
    assert "сроков не было" in trend and "—" not in trend
    assert "<strong>17 %</strong> сроков выполнено вовремя (1 из 6)" in html
    assert html.index("Кто не выполнил") < html.index("По органам")
    assert {(r["organ"], r["clause"]) for r in rows} >= {
        ("Орган А", "1.4"),
        ("Отдел информатизации", "3.4"),
    }
    assert data["quarter"] == "2026Q4"
