"""Events close steps and start the next terms; bad or repeated events are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.deadlines import DateRule
from domain.errors import RuleViolation
from services.events import record_link, record_notice, record_publication, record_registry_entry
from services.status import step_views
from tests.services.helpers import ACTOR, TODAY, account, organ


def _states(session: Session, calendar: WorkingCalendar, as_of: date) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (v.clause, v.due, v.done, v.state, v.late_working_days)
        for v in step_views(session=session, calendar=calendar, as_of=as_of)
    ]


def test_the_whole_lifecycle_from_creation_to_publication(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 10, 1))
    aid = a.id or 0

    record_notice(
        session=session,
        calendar=calendar,
        account_id=aid,
        on=date(2026, 10, 6),
        received_on=date(2026, 10, 7),
        actor=ACTOR,
        today=TODAY,
    )
    record_link(
        session=session,
        account_id=aid,
        on=date(2026, 10, 8),
        page="https://novoaltaysk.ru/kultura",
        actor=ACTOR,
        today=TODAY,
    )
    record_registry_entry(
        session=session,
        calendar=calendar,
        account_id=aid,
        on=date(2026, 10, 14),
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=TODAY,
    )
    before_publication = _states(session, calendar, date(2026, 12, 1))
    record_publication(
        session=session, quarter_text="2026Q3", on=date(2026, 12, 1), actor=ACTOR, today=TODAY
    )
    session.commit()

    assert before_publication[-1] == ("3.5", "2027-01-25", None, "pending", 0)
    assert _states(session, calendar, date(2026, 12, 1)) == [
        ("3.1", "2026-10-06", "2026-10-06", "done", 0),  # 3 wd from Thu 01.10
        ("1.4", "2026-10-08", "2026-10-08", "done", 0),
        ("3.4", "2026-10-14", "2026-10-14", "done", 0),  # 5 wd from receipt 07.10
        ("3.5", "2027-01-25", "2026-12-01", "done", 0),
    ]


def test_late_steps_are_overdue_and_then_done_late(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 11, 2))

    overdue = _states(session, calendar, date(2026, 11, 12))
    record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 11, 12),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )

    assert overdue[0] == ("3.1", "2026-11-06", None, "overdue", 4)
    assert overdue[1] == ("1.4", "2026-11-10", None, "overdue", 2)
    after = _states(session, calendar, date(2026, 11, 12))
    assert after[0] == ("3.1", "2026-11-06", "2026-11-12", "done_late", 4)
    assert after[2] == ("3.4", "2026-11-19", None, "pending", 0)


def test_a_second_notice_is_refused_as_a_duplicate(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)
    record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 11, 23),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )

    with pytest.raises(RuleViolation, match=r"уже записано 23\.11\.2026") as error:
        record_notice(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=date(2026, 11, 24),
            received_on=None,
            actor=ACTOR,
            today=TODAY,
        )
    assert error.value.clause == "3.1"


@pytest.mark.parametrize(
    ("on", "received", "field", "clause"),
    [
        (date(2026, 11, 19), None, "--on", "3.1"),  # before the account existed
        (date(2026, 12, 2), None, "--on", "3.1"),  # in the future
        (date(2026, 11, 24), date(2026, 11, 23), "--received-on", "3.4"),
    ],
)
def test_an_impossible_notice_date_names_the_field(
    session: Session,
    calendar: WorkingCalendar,
    on: date,
    received: date | None,
    field: str,
    clause: str,
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)

    with pytest.raises(RuleViolation) as error:
        record_notice(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=on,
            received_on=received,
            actor=ACTOR,
            today=TODAY,
        )

    assert (error.value.field, error.value.clause) == (field, clause)


def test_a_registry_entry_before_the_notice_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)

    with pytest.raises(RuleViolation, match="ещё не поступило"):
        record_registry_entry(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=date(2026, 11, 25),
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=TODAY,
        )


def test_a_registry_entry_before_the_receipt_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)
    record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 11, 23),
        received_on=date(2026, 11, 24),
        actor=ACTOR,
        today=TODAY,
    )

    with pytest.raises(RuleViolation) as error:
        record_registry_entry(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=date(2026, 11, 23),
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=TODAY,
        )

    assert (error.value.field, error.value.clause) == ("--on", "3.4")


def test_a_change_notice_covers_only_changes_made_before_it(
    session: Session, calendar: WorkingCalendar
) -> None:
    from services.accounts import change_account

    o = organ(session)
    a = account(session, calendar, o.id or 0, created_on=date(2026, 11, 2))
    record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 11, 3),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    change_account(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        changed_on=date(2026, 11, 20),
        url="https://vk.com/renamed",
        specialist_ids=None,
        actor=ACTOR,
        today=TODAY,
    )

    with pytest.raises(RuleViolation, match="раньше изменения") as error:
        record_notice(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=date(2026, 11, 19),
            received_on=None,
            actor=ACTOR,
            today=TODAY,
        )
    assert error.value.clause == "3.2"
    closed = record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 11, 24),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    assert [s.clause for s in closed] == ["3.2"]


def test_a_publication_is_recorded_once_per_quarter(
    session: Session, calendar: WorkingCalendar
) -> None:
    record_publication(
        session=session, quarter_text="2026Q3", on=date(2026, 10, 20), actor=ACTOR, today=TODAY
    )

    with pytest.raises(RuleViolation, match="уже записана") as error:
        record_publication(
            session=session, quarter_text="2026Q3", on=date(2026, 10, 21), actor=ACTOR, today=TODAY
        )
    assert error.value.clause == "3.5"
    with pytest.raises(RuleViolation) as bad:
        record_publication(
            session=session, quarter_text="2026Q5", on=date(2026, 10, 21), actor=ACTOR, today=TODAY
        )
    assert bad.value.field == "--quarter"


def test_a_publication_leaves_entries_made_after_it_open(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    early = account(session, calendar, o.id or 0, created_on=date(2026, 10, 1))
    late = account(
        session,
        calendar,
        o.id or 0,
        network="ok",
        url="https://ok.ru/kultura",
        created_on=date(2026, 10, 1),
    )
    for a, entered in ((early, date(2026, 10, 9)), (late, date(2026, 10, 23))):
        record_notice(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=date(2026, 10, 2),
            received_on=None,
            actor=ACTOR,
            today=TODAY,
        )
        record_registry_entry(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            on=entered,
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=TODAY,
        )

    _, closed = record_publication(
        session=session, quarter_text="2026Q3", on=date(2026, 10, 20), actor=ACTOR, today=TODAY
    )

    assert [s.account_id for s in closed] == [early.id]


def test_a_link_closes_1_4_with_its_page_as_evidence(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)

    (step,) = record_link(
        session=session,
        account_id=a.id or 0,
        on=date(2026, 11, 30),
        page="https://novoaltaysk.ru/k",
        actor=ACTOR,
        today=TODAY,
    )

    assert step.evidence == "ссылка размещена: https://novoaltaysk.ru/k"
    with pytest.raises(RuleViolation) as error:
        record_link(
            session=session,
            account_id=a.id or 0,
            on=date(2026, 11, 30),
            page=None,
            actor=ACTOR,
            today=TODAY,
        )
    assert error.value.clause == "1.4"
