"""Time to moderation per organ in the compliance report (п. 2.5), checked by hand."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from models.tables import Comment, Organ
from services.compliance import compliance_report, render
from services.figures import sql_report
from services.moderation_time import moderation_by_organ
from tests.services.helpers import account, organ

CITY = timezone(timedelta(hours=7))
Q4 = Quarter(2026, 4)
AS_OF = date(2026, 12, 2)  # Wednesday: waits are measured at 09:00


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CITY).astimezone(UTC)


def _comment(
    session: Session,
    account_id: int,
    n: int,
    published: str,
    *,
    decided: str | None = None,
    state: str | None = None,
) -> None:
    session.add(
        Comment(
            account_id=account_id,
            network="vk",
            post_id="1",
            comment_id=str(n),
            published_at=_at(published),
            text="секрет",
            text_masked="секрет",
            text_hash=hashlib.sha256(b"x").hexdigest(),
            repeat_key=hashlib.sha256(str(n).encode()).hexdigest(),
            flags="[]",
            state=state or ("removed" if decided else "flagged"),
            flagged_at=_at(published),
            decided_at=_at(decided) if decided else None,
        )
    )
    session.flush()


def _city(session: Session, calendar: WorkingCalendar) -> tuple[int, int]:
    a = organ(session, "Комитет по культуре")
    b = organ(session, "Комитет по образованию")
    organ(session, "Комитет без комментариев")
    one = account(session, calendar, a.id or 0, url="https://vk.com/a")
    two = account(session, calendar, b.id or 0, url="https://vk.com/b")
    # Culture: five decided in the quarter, after 1, 2, 3, 2 and 10 working hours
    _comment(session, one.id or 0, 1, "2026-11-30 10:00", decided="2026-11-30 11:00")  # 1 h
    _comment(session, one.id or 0, 2, "2026-11-30 10:00", decided="2026-11-30 12:00")  # 2 h
    _comment(session, one.id or 0, 3, "2026-11-30 15:00", decided="2026-11-30 18:00")  # 3 h
    # Friday 17:00 -> Monday 10:00 over the weekend: 1 h + 1 h
    _comment(session, one.id or 0, 4, "2026-11-27 17:00", decided="2026-11-30 10:00")  # 2 h
    # Mon 09:00 -> Tue 11:00: 8 h + 2 h
    _comment(session, one.id or 0, 5, "2026-11-30 09:00", decided="2026-12-01 11:00")  # 10 h
    # Decided in the third quarter: not this quarter's figure
    _comment(session, one.id or 0, 6, "2026-09-29 10:00", decided="2026-09-29 12:00")
    # Waiting: since Tue 10:00 (7 h by Wed 09:00) and since Mon 10:00 (15 h)
    _comment(session, one.id or 0, 7, "2026-12-01 10:00")
    _comment(session, one.id or 0, 8, "2026-11-30 10:00")
    # Education: one kept after a night, one clean comment (read, never flagged)
    _comment(session, two.id or 0, 9, "2026-11-30 23:00", decided="2026-12-01 09:30")
    _comment(session, two.id or 0, 10, "2026-11-30 23:00", state="clean")
    return one.id or 0, two.id or 0


def test_median_p90_and_waiting_per_organ(session: Session, calendar: WorkingCalendar) -> None:
    _city(session, calendar)

    rows = moderation_by_organ(session=session, calendar=calendar, quarter=Q4, as_of=AS_OF)

    assert rows == [
        {
            "organ": "Комитет по культуре",
            "decided": 5,
            "median_hours": 2.0,  # 1, 2, 2, 3, 10
            "p90_hours": 10.0,  # the 5th of 5 (nearest rank: ceil(4.5))
            "waiting": 2,
            "waiting_over_day": 1,
        },
        {
            "organ": "Комитет по образованию",
            "decided": 1,
            "median_hours": 0.5,
            "p90_hours": 0.5,
            "waiting": 0,
            "waiting_over_day": 0,
        },
    ]


def test_one_organ_only(session: Session, calendar: WorkingCalendar) -> None:
    _city(session, calendar)
    education = session.exec(select(Organ).where(Organ.name == "Комитет по образованию")).one()

    rows = moderation_by_organ(
        session=session, calendar=calendar, quarter=Q4, as_of=AS_OF, organ_id=education.id
    )

    assert [r["organ"] for r in rows] == ["Комитет по образованию"]


def test_the_compliance_report_carries_the_section_in_json_and_html(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)

    report = compliance_report(session=session, calendar=calendar, quarter=Q4, as_of=AS_OF)
    figures = sql_report(session=session, calendar=calendar, quarter=Q4, as_of=AS_OF)
    html = render(report, "html").decode()

    assert report.as_dict()["moderation"][0]["median_hours"] == 2.0
    assert figures.moderation == report.moderation
    assert "Модерация комментариев (п. 2.5)" in html
    assert '<td data-label="Медиана, рабочих часов">2,0\u00a0ч</td>' in html
    assert '<td data-label="90-й процентиль, рабочих часов">10,0\u00a0ч</td>' in html
    assert "секрет" not in html


def test_the_category_words_are_the_classifiers_own() -> None:
    from moderation.flags import CATEGORY_WORDS
    from services.moderation_time import AUTOMATIC_WORDS

    assert AUTOMATIC_WORDS == CATEGORY_WORDS
