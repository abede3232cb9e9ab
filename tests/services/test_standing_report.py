"""The compliance report's standing rules per organ: п. 2.1 weeks, п. 2.4, п. 1.6."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from domain.standing import ProtectionAnswer
from models.tables import RuleCheck
from services.compliance import compliance_report, render
from services.protection import confirm_protection
from services.standing_report import quarter_weeks, standing_by_organ
from tests.services.helpers import ACTOR, TODAY, account, organ

Q4 = Quarter(2026, 4)


def _check(session: Session, account_id: int, rule: str, week: str, ok: bool) -> None:
    session.add(
        RuleCheck(
            account_id=account_id, rule=rule, week=week, checked=True, ok=ok, figures=json.dumps({})
        )
    )


def test_the_quarters_weeks_are_those_whose_sunday_falls_in_it() -> None:
    weeks = quarter_weeks(Q4)

    # W53 (28.12.2026–03.01.2027) ends in January: it belongs to the first quarter of 2027.
    assert weeks[0] == "2026-W40" and weeks[-1] == "2026-W52"
    assert len(weeks) == 13


def test_an_organ_shows_its_weeks_description_and_protection(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    vk = account(session, calendar, o.id or 0, created_on=date(2026, 9, 1))
    ok = account(
        session,
        calendar,
        o.id or 0,
        network="ok",
        url="https://ok.ru/kultura_test",
        created_on=date(2026, 9, 1),
    )
    for week, good in (("2026-W46", True), ("2026-W47", True), ("2026-W48", False)):
        _check(session, vk.id or 0, "2.1", week, good)
    _check(session, ok.id or 0, "2.1", "2026-W39", False)  # Sunday 27.09: the third quarter
    _check(session, vk.id or 0, "2.4", "2026-W47", False)
    _check(session, vk.id or 0, "2.4", "2026-W48", True)  # the latest check counts
    confirm_protection(
        session=session, calendar=calendar, account_id=vk.id or 0, answer=ProtectionAnswer(True, 1, "сейф"),
        on=date(2026, 10, 5), quarter=None, working_days=10, actor=ACTOR, today=TODAY,
    )  # fmt: skip
    session.flush()

    (row,) = standing_by_organ(session=session, quarter=Q4)

    assert (row["weeks_with_8"], row["weeks_checked"]) == (2, 3)
    assert row["description_complete"] is True and row["descriptions_checked"] == 1
    assert (row["protection_confirmed"], row["accounts"], row["protection_all_confirmed"]) == (
        1,
        2,
        False,
    )
    report = compliance_report(session=session, calendar=calendar, quarter=Q4, as_of=TODAY)
    html = render(report, "html").decode()
    assert "Постоянные требования (п. 2.1, 2.4, 1.6)" in html
    assert "<td>2 из 3</td><td>полное</td><td>подтверждена для 1 из 2 аккаунтов</td>" in html
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode())))
    standing = {
        r["clause"]: (r["standing_checked"], r["standing_kept"])
        for r in rows
        if r["organ"] == o.name and r["standing_checked"]
    }
    assert standing == {"2.1": ("3", "2"), "2.4": ("1", "1"), "1.6": ("2", "1")}
    protection_step = next(r for r in rows if r["clause"] == "1.6" and r["due"])
    assert protection_step["standing_checked"] is None  # a step's row: the step columns only
