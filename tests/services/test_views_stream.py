"""The whole-city views stream: the same rows as one read, however the rows are batched."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.deadlines import DateRule
from models.tables import Step
from services.accounts import change_account
from services.audit import iter_log, log, verify_chain
from services.events import record_notice, record_publication, record_registry_entry
from services.registry import iter_internal_registry
from services.status import iter_step_views
from tests.services.helpers import ACTOR, TODAY, account, organ, specialist


def _city(session: Session, calendar: WorkingCalendar) -> None:
    """Two organs, five accounts; one address changed, two specialists on one account."""
    culture = organ(session)
    sport = organ(session, "Комитет по спорту")
    first, second = specialist(session, culture.id or 0, 1), specialist(session, culture.id or 0, 2)
    third = specialist(session, sport.id or 0, 3)
    urls = ("https://vk.com/k1", "https://ok.ru/k2", "https://t.me/k3")
    for n, (network, url) in enumerate(zip(("vk", "ok", "telegram"), urls, strict=True)):
        account(
            session,
            calendar,
            culture.id or 0,
            network=network,
            url=url,
            created_on=date(2026, 10, 1),
            specialist_ids=[first.id or 0, second.id or 0] if n == 1 else [first.id or 0],
        )
    for network, url in (("vk", "https://vk.com/s1"), ("ok", "https://ok.ru/s2")):
        a = account(
            session,
            calendar,
            sport.id or 0,
            network=network,
            url=url,
            created_on=date(2026, 10, 1),
            specialist_ids=[third.id or 0],
        )
    change_account(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        url="https://ok.ru/s2_new",
        specialist_ids=None,
        changed_on=date(2026, 11, 2),
        actor=ACTOR,
        today=TODAY,
    )
    for account_id in (1, 2, 4):
        record_notice(
            session=session,
            calendar=calendar,
            account_id=account_id,
            on=date(2026, 10, 2),
            received_on=None,
            actor=ACTOR,
            today=TODAY,
        )
        record_registry_entry(
            session=session,
            calendar=calendar,
            account_id=account_id,
            on=date(2026, 10, 9),
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=TODAY,
        )


def test_the_registry_streamed_a_row_at_a_time_is_the_registry_read_at_once(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)

    one_by_one = list(iter_internal_registry(session, batch=1))
    at_once = list(iter_internal_registry(session))

    assert one_by_one == at_once and len(at_once) == 5
    assert [(r["organ"], r["network"]) for r in at_once] == [
        ("Комитет по культуре", "Одноклассники"),  # by the network's code: ok, telegram, vk
        ("Комитет по культуре", "Telegram"),
        ("Комитет по культуре", "ВКонтакте"),
        ("Комитет по спорту", "Одноклассники"),
        ("Комитет по спорту", "ВКонтакте"),
    ]
    by_url = {r["url"]: r for r in at_once}
    assert [p["phone"] for p in by_url["https://ok.ru/k2"]["specialists"]] == [
        "+7 000 000-00-01",
        "+7 000 000-00-02",
    ]
    assert [p["full_name"] for p in by_url["https://vk.com/s1"]["specialists"]] == ["Тестов Тест 3"]
    assert by_url["https://ok.ru/s2_new"]["addresses"] == [
        {"url": "https://ok.ru/s2", "from": "2026-10-01", "until": "2026-11-02"},
        {"url": "https://ok.ru/s2_new", "from": "2026-11-02", "until": None},
    ]
    assert [(r["account_id"], r["entered_on"]) for r in at_once] == [
        (2, "2026-10-09"),
        (3, None),
        (1, "2026-10-09"),
        (5, None),
        (4, "2026-10-09"),
    ]


def test_a_publication_closes_its_steps_in_one_batch_with_one_chained_entry_each(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    loaded = session.get(Step, 4)  # the 3.5 step of the first account, held by the session
    assert loaded is not None and loaded.clause == "3.5" and loaded.done_on is None

    _, closed = record_publication(
        session=session,
        quarter_text="2026Q4",
        on=date(2027, 1, 11),
        actor=ACTOR,
        today=date(2027, 1, 11),
    )
    session.commit()

    assert [(s.account_id, s.clause) for s in closed] == [(1, "3.5"), (2, "3.5"), (4, "3.5")]
    assert loaded.done_on == date(2027, 1, 11) and loaded.evidence == "опубликовано за 2026Q4"
    entries = [e for e in log(session) if e["action"] == "step.closed" and e["clause"] == "3.5"]
    assert [e["entity"] for e in entries] == [f"step:{s.id}" for s in closed]
    assert '"done_on": "2027-01-11"' in entries[0]["after"]
    assert '"due": "2027-01-25"' in entries[0]["after"]
    assert verify_chain(session.get_bind()).ok  # type: ignore[arg-type]


def test_the_log_streamed_in_small_batches_is_the_log(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    session.commit()

    streamed = list(iter_log(session, batch=3))

    assert streamed == log(session) and len(streamed) > 20
    assert all(e["words"].startswith(f"№ {e['id']} ") for e in streamed)


def test_status_dates_stay_iso_whatever_the_servers_date_style(
    session: Session, calendar: WorkingCalendar
) -> None:
    _city(session, calendar)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET DateStyle = 'SQL, DMY'"))

    views = list(iter_step_views(session=session, calendar=calendar, as_of=TODAY, account_id=1))

    assert [(v.clause, v.counted_from, v.due, v.done) for v in views[:2]] == [
        ("3.1", "2026-10-01", "2026-10-06", "2026-10-02"),
        ("1.4", "2026-10-01", "2026-10-08", None),
    ]
    assert views[0].cycle == "creation 2026-10-01" and views[0].state == "done"
