"""A flagged comment waiting a working day reaches the account's specialists once (п. 2.5)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from models.tables import Comment, Reminder, Step
from services.delivery import deliver
from services.moderation_reminders import open_moderation_steps
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.services.helpers import account, organ, specialist

IT = "it@example.invalid"
CITY = timezone(timedelta(hours=7))
MONDAY_NIGHT = datetime(2026, 11, 30, 23, 0, tzinfo=CITY)
TUESDAY, WEDNESDAY, THURSDAY = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
SECRET_TEXT = "Иванов Пётр звоните +7 913 123-45-67"
FLAGS = [
    {"category": "personal_data", "fragment": "+7 *** ***-**-67", "rule": "personal_data.phone"},
    {"category": "conflict", "fragment": "", "rule": "manual"},
]


def _city(session: Session, calendar: WorkingCalendar) -> int:
    o = organ(session)
    person = specialist(session, o.id or 0)
    a = account(
        session, calendar, o.id or 0, created_on=date(2026, 9, 1), specialist_ids=[person.id or 0]
    )
    return a.id or 0


def _comment(
    session: Session,
    account_id: int,
    *,
    published: datetime = MONDAY_NIGHT,
    state: str = "flagged",
    n: int = 1,
    **extra: object,
) -> Comment:
    c = Comment(
        account_id=account_id,
        network="vk",
        post_id="-1_10",
        comment_id=str(n),
        post_url="https://vk.com/wall-1_10",
        published_at=published.astimezone(UTC),
        text=SECRET_TEXT,
        text_masked="Иванов Пётр звоните +7 *** ***-**-67",
        text_hash=hashlib.sha256(SECRET_TEXT.encode()).hexdigest(),
        repeat_key=hashlib.sha256(str(n).encode()).hexdigest(),
        author_ref="id777",
        flags=json.dumps(FLAGS, ensure_ascii=False),
        state=state,
        flagged_at=(published + timedelta(minutes=10)).astimezone(UTC),
        **extra,
    )
    session.add(c)
    session.flush()
    return c


def _sweep(session: Session, calendar: WorkingCalendar, day: date) -> int:
    opened = open_moderation_steps(session=session, calendar=calendar, as_of=day)
    plan_reminders(session=session, calendar=calendar, as_of=day, it_mailbox=IT)
    return opened


def _queued(session: Session) -> list[date]:
    return list(
        session.execute(
            sa.select(Reminder.on_date)
            .join(Step, Step.id == Reminder.step_id)  # type: ignore[arg-type]
            .where(Step.clause == "2.5")
            .order_by(Reminder.on_date)  # type: ignore[arg-type]
        ).scalars()
    )


def test_a_comment_at_night_is_told_when_a_whole_working_day_has_passed_and_only_once(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    c = _comment(session, a)

    opened = [_sweep(session, calendar, d) for d in (TUESDAY, WEDNESDAY, WEDNESDAY, THURSDAY)]
    session.commit()
    notifier = RecordingNotifier()
    deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")
    deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    # 23:10 Monday -> 09:00 Tuesday: nothing yet; 09:00 Wednesday: Tuesday's 8 hours.
    assert opened == [0, 1, 0, 0]
    assert _queued(session) == [WEDNESDAY]
    (step,) = session.exec(select(Step).where(Step.clause == "2.5")).all()
    assert step.done_on == WEDNESDAY and step.account_id == a
    session.refresh(c)
    assert c.reminded_at is not None and c.state == "flagged"
    (letter,) = [m for m in notifier.sent if "п. 2.5" in m.subject]
    assert letter.to == ("test1@example.invalid",)
    assert letter.subject.startswith("Замечание: принять решение по комментарию")
    assert "(п. 2.5)" in letter.subject
    assert "https://vk.com/wall-1_10" in letter.text
    assert "+7 *** ***-**-67" in letter.text and "провоцирует конфликт" in letter.text
    assert "ждёт решения модератора 8 ч 00 мин рабочего времени" in letter.text
    assert "оставлен 30.11.2026 в 23:00, в очереди с 30.11.2026 23:10" in letter.text
    assert "«оставлен» (с причиной)" in letter.text


def test_the_letter_never_carries_the_comment_text_nor_its_author(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    _comment(session, a)

    _sweep(session, calendar, WEDNESDAY)
    session.commit()
    notifier = RecordingNotifier()
    deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")

    (letter,) = [m for m in notifier.sent if "п. 2.5" in m.subject]
    for secret in ("Иванов", "123-45-67", "id777"):
        assert secret not in letter.text and secret not in letter.html


def test_decided_gone_and_clean_comments_are_not_told(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    _comment(session, a, n=1, state="removed", decided_at=datetime(2026, 12, 1, 3, tzinfo=UTC))
    _comment(session, a, n=2, state="clean")
    _comment(session, a, n=3, deleted_on_network_at=datetime(2026, 12, 1, 4, tzinfo=UTC))

    opened = _sweep(session, calendar, WEDNESDAY)

    assert opened == 0 and _queued(session) == []


def test_nothing_is_told_on_a_day_off_and_the_next_working_day_tells_it(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    _comment(session, a, published=datetime(2026, 12, 3, 10, 0, tzinfo=CITY))  # Thursday

    opened = [
        _sweep(session, calendar, d)
        for d in (date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 7))
    ]

    # Thursday 10:10-18:00 is 6 h 50 min; by Friday 09:00 not a day; Saturday is off.
    assert opened == [0, 0, 1]
    assert _queued(session) == [date(2026, 12, 7)]


def test_a_comment_filed_by_hand_waits_from_its_filing(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = _city(session, calendar)
    c = _comment(session, a, published=datetime(2026, 11, 20, 10, 0, tzinfo=CITY))
    c.flagged_at = datetime(2026, 12, 1, 10, 0, tzinfo=CITY).astimezone(UTC)  # filed on Tuesday
    session.flush()

    opened = [_sweep(session, calendar, d) for d in (WEDNESDAY, THURSDAY)]

    assert opened == [0, 1]
    (step,) = session.exec(select(Step).where(Step.clause == "2.5")).all()
    # Tuesday 10:00-18:00 and Wednesday: 15 h in the queue; since Friday 20.11 10:00:
    # 7 h, a week of 40 h, then Monday to Wednesday 24 h.
    assert "ждёт решения модератора 15 ч 00 мин" in (step.explanation or "")
    assert "с появления комментария — 71 ч 00 мин" in (step.explanation or "")
