"""Organs, accounts and access: the rules of п. 1.5, 1.6, 3.2, 3.3 in the service and the database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.errors import NotFound, RuleViolation
from models.tables import AccessGrant, Account, Event, Step
from services.accounts import change_account, describe_account, grant_access, revoke_access
from tests.conftest import PG_URL
from tests.services.helpers import ACTOR, TODAY, account, organ, specialist


def test_creating_an_account_opens_its_four_steps(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    s = specialist(session, o.id or 0)

    a = account(session, calendar, o.id or 0, specialist_ids=[s.id or 0])
    session.commit()

    steps = session.exec(select(Step).where(Step.account_id == a.id).order_by(Step.id)).all()
    assert [(st.clause, st.due) for st in steps] == [
        ("3.1", date(2026, 11, 25)),
        ("1.4", date(2026, 11, 27)),
        ("3.4", None),
        ("3.5", None),
    ]
    assert all(st.calendar_version == calendar.version for st in steps if st.due)
    assert describe_account(session, a.id or 0)["specialist_ids"] == [s.id]


def test_events_carry_no_personal_data(session: Session, calendar: WorkingCalendar) -> None:
    o = organ(session)
    s = specialist(session, o.id or 0, n=7)
    account(session, calendar, o.id or 0, specialist_ids=[s.id or 0])
    session.commit()

    details = " ".join(e.details for e in session.exec(select(Event)))

    assert "Тестов" not in details and "test7@" not in details and "00-07" not in details


def test_a_second_account_in_the_same_network_is_refused_citing_1_5(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    account(session, calendar, o.id or 0)

    with pytest.raises(RuleViolation) as error:
        account(session, calendar, o.id or 0, url="https://vk.ru/another")

    assert (error.value.field, error.value.clause) == ("--network", "1.5")


def test_the_same_address_written_another_way_is_the_same_account(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = organ(session, "Комитет А")
    b = organ(session, "Комитет Б")
    account(session, calendar, a.id or 0, url="https://vk.com/shared")

    with pytest.raises(RuleViolation, match="уже зарегистрирован"):
        account(session, calendar, b.id or 0, url="http://m.vk.com/shared/")


def test_the_database_itself_holds_one_active_account_per_network(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    account(session, calendar, o.id or 0)
    session.commit()

    session.add(
        Account(
            organ_id=o.id or 0,
            network="vk",
            network_key="vk",
            url="https://vk.com/bypass",
            created_on=date(2026, 11, 21),
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


@pytest.mark.parametrize(
    ("kwargs", "field", "clause"),
    [
        ({"url": "https://ok.ru/group"}, "--url", "3.3"),
        ({"url": "vk.com/no-scheme"}, "--url", "3.3"),
        ({"url": "https://vk.com/"}, "--url", "3.3"),
        ({"network": "myspace"}, "--network", "1.5"),
        ({"created_on": date(2026, 12, 2)}, "--created-on", "3.1"),
        ({"created_on": date(2023, 3, 1)}, "--created-on", "3.1"),
    ],
)
def test_bad_account_input_names_the_field_and_the_clause(
    session: Session,
    calendar: WorkingCalendar,
    kwargs: dict,
    field: str,
    clause: str | None,  # type: ignore[type-arg]
) -> None:
    o = organ(session)

    with pytest.raises(RuleViolation) as error:
        account(session, calendar, o.id or 0, **kwargs)

    assert (error.value.field, error.value.clause) == (field, clause)


def test_an_unknown_organ_is_named(session: Session, calendar: WorkingCalendar) -> None:
    with pytest.raises(NotFound, match="id 99"):
        account(session, calendar, 99)


def test_a_specialist_of_another_organ_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    mine, theirs = organ(session, "А"), organ(session, "Б")
    stranger = specialist(session, theirs.id or 0)

    with pytest.raises(RuleViolation, match="другому органу"):
        account(session, calendar, mine.id or 0, specialist_ids=[stranger.id or 0])


def test_a_change_of_address_keeps_the_history_and_opens_3_2_and_1_4(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)

    change_account(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        changed_on=date(2026, 11, 26),
        url="https://vk.com/kultura_new",
        specialist_ids=None,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()

    shown = describe_account(session, a.id or 0)
    assert shown["url"] == "https://vk.com/kultura_new"
    assert shown["addresses"] == [
        {"url": "https://vk.com/kultura_test", "from": "2026-11-20", "until": "2026-11-26"},
        {"url": "https://vk.com/kultura_new", "from": "2026-11-26", "until": None},
    ]
    change_steps = session.exec(
        select(Step.clause, Step.due).where(Step.account_id == a.id).order_by(Step.id)
    ).all()[4:]
    assert change_steps == [
        ("3.2", date(2026, 12, 1)),
        ("1.4", date(2026, 12, 3)),
        ("3.4", None),
        ("3.5", None),
    ]


def test_a_change_of_specialists_replaces_the_set(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    s1, s2 = specialist(session, o.id or 0, 1), specialist(session, o.id or 0, 2)
    a = account(session, calendar, o.id or 0, specialist_ids=[s1.id or 0])

    change_account(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        changed_on=date(2026, 11, 25),
        url=None,
        specialist_ids=[s2.id or 0],
        actor=ACTOR,
        today=TODAY,
    )

    assert describe_account(session, a.id or 0)["specialist_ids"] == [s2.id]
    session.commit()
    change_steps = session.exec(
        select(Step.clause, Step.due).where(Step.account_id == a.id).order_by(Step.id)
    ).all()[4:]
    assert change_steps == [  # the address is the same: п. 1.4 is not opened again
        ("3.2", date(2026, 11, 30)),
        ("3.4", None),
        ("3.5", None),
    ]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url": None, "specialist_ids": None}, "что изменилось"),
        ({"url": "https://vk.com/kultura_test", "specialist_ids": None}, "текущий адрес"),
        (
            {"url": "https://vk.com/x", "specialist_ids": None, "changed_on": date(2026, 11, 1)},
            "раньше",
        ),
    ],
)
def test_an_empty_or_impossible_change_is_refused(
    session: Session,
    calendar: WorkingCalendar,
    kwargs: dict,
    match: str,  # type: ignore[type-arg]
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)
    args = {"changed_on": date(2026, 11, 25), **kwargs}

    with pytest.raises(RuleViolation, match=match):
        change_account(
            session=session,
            calendar=calendar,
            account_id=a.id or 0,
            actor=ACTOR,
            today=TODAY,
            **args,
        )


def test_at_most_three_people_have_access_at_a_time(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)
    for person in ("Первый", "Второй", "Третий"):
        grant_access(
            session=session,
            account_id=a.id or 0,
            person=person,
            on=date(2026, 11, 21),
            actor=ACTOR,
            today=TODAY,
        )

    with pytest.raises(RuleViolation) as error:
        grant_access(
            session=session,
            account_id=a.id or 0,
            person="Четвёртый",
            on=date(2026, 11, 22),
            actor=ACTOR,
            today=TODAY,
        )
    assert error.value.clause == "1.6"

    revoke_access(
        session=session,
        account_id=a.id or 0,
        person="Второй",
        on=date(2026, 11, 23),
        actor=ACTOR,
        today=TODAY,
    )
    fourth = grant_access(
        session=session,
        account_id=a.id or 0,
        person="Четвёртый",
        on=date(2026, 11, 23),
        actor=ACTOR,
        today=TODAY,
    )
    assert fourth.slot == 2


def _access(session: Session, account_id: int, person: str, on: date, *, revoke: bool = False):  # type: ignore[no-untyped-def]
    action = revoke_access if revoke else grant_access
    return action(
        session=session, account_id=account_id, person=person, on=on, actor=ACTOR, today=TODAY
    )


def test_a_back_dated_grant_that_would_make_four_at_once_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = account(session, calendar, organ(session).id or 0).id or 0
    _access(session, a, "Первый", date(2026, 11, 21))
    _access(session, a, "Второй", date(2026, 11, 21))
    _access(session, a, "Третий", date(2026, 11, 21))
    _access(session, a, "Первый", date(2026, 11, 25), revoke=True)  # two hold access today

    with pytest.raises(RuleViolation) as error:  # 21-24.11 it would have been four
        _access(session, a, "Четвёртый", date(2026, 11, 23))
    allowed = _access(session, a, "Четвёртый", date(2026, 11, 25))  # a handover that day

    assert (error.value.field, error.value.clause) == ("--on", "1.6")
    assert "4 человека" in error.value.message and "23.11.2026" in error.value.message
    assert allowed.slot == 1


def test_a_back_dated_grant_overlapping_the_same_persons_earlier_access_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = account(session, calendar, organ(session).id or 0).id or 0
    _access(session, a, "Первый", date(2026, 11, 21))
    _access(session, a, "Первый", date(2026, 11, 25), revoke=True)

    with pytest.raises(RuleViolation) as error:
        _access(session, a, "Первый", date(2026, 11, 24))
    again = _access(session, a, "Первый", date(2026, 11, 26))

    assert (error.value.field, error.value.clause) == ("--on", "1.6")
    assert again.granted_on == date(2026, 11, 26)


def test_a_revoke_dated_before_its_grant_is_refused(
    session: Session, calendar: WorkingCalendar
) -> None:
    a = account(session, calendar, organ(session).id or 0).id or 0
    _access(session, a, "Первый", date(2026, 11, 24))

    with pytest.raises(RuleViolation) as error:
        _access(session, a, "Первый", date(2026, 11, 23), revoke=True)

    assert (error.value.field, error.value.clause) == ("--on", "1.6")


def test_the_database_refuses_a_fourth_slot_and_a_shared_slot(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)
    a = account(session, calendar, o.id or 0)
    session.commit()

    session.add(
        AccessGrant(account_id=a.id or 0, person="X", slot=4, granted_on=date(2026, 11, 21))
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()

    session.add(
        AccessGrant(account_id=a.id or 0, person="Y", slot=1, granted_on=date(2026, 11, 21))
    )
    session.add(
        AccessGrant(account_id=a.id or 0, person="Z", slot=1, granted_on=date(2026, 11, 21))
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_a_specialists_new_phone_is_a_3_2_change_on_each_of_their_accounts(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    from services.accounts import update_specialist

    o = organ(session)
    s = specialist(session, o.id or 0, 3)
    vk = account(session, calendar, o.id or 0, specialist_ids=[s.id or 0])
    ok = account(
        session,
        calendar,
        o.id or 0,
        network="ok",
        url="https://ok.ru/k",
        specialist_ids=[s.id or 0],
    )

    _, ids = update_specialist(
        session=session,
        calendar=calendar,
        specialist_id=s.id or 0,
        changed_on=date(2026, 11, 25),
        phone="+7 999 111-22-33",
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()

    assert ids == [vk.id, ok.id]
    change_steps = session.exec(select(Step).where(Step.clause == "3.2")).all()
    assert sorted((st.account_id, st.due) for st in change_steps) == [
        (vk.id, date(2026, 11, 30)),
        (ok.id, date(2026, 11, 30)),
    ]
    with engine.connect() as conn:
        recorded = " ".join(
            r[0] or "" for r in conn.exec_driver_sql("SELECT after FROM audit_entry")
        )
    assert "phone" in recorded and "999 111-22-33" not in recorded
    with pytest.raises(RuleViolation, match="что изменилось") as error:
        update_specialist(
            session=session,
            calendar=calendar,
            specialist_id=s.id or 0,
            changed_on=date(2026, 11, 26),
            phone="+7 999 111-22-33",
            actor=ACTOR,
            today=TODAY,
        )
    assert error.value.clause == "3.2"


def test_the_network_is_read_from_the_host_and_other_is_for_unknown_hosts(
    session: Session, calendar: WorkingCalendar
) -> None:
    o = organ(session)

    derived = account(session, calendar, o.id or 0, network=None, url="https://M.VK.RU/Kultura/")
    unknown = account(session, calendar, o.id or 0, network="other", url="https://pikabu.ru/@Nvl")
    with pytest.raises(RuleViolation) as error:
        account(session, calendar, o.id or 0, network="other", url="https://vk.com/second")

    assert (derived.network, derived.url) == ("vk", "https://vk.com/kultura")
    assert (unknown.network, unknown.network_key, unknown.url) == (
        "other",
        "other:pikabu.ru",
        "https://pikabu.ru/@Nvl",  # srok does not know this site's rules: the case is kept
    )
    assert (error.value.field, error.value.clause) == ("--network", "1.5")


def test_organ_names_are_unique_whatever_their_case_and_spaces(session: Session) -> None:
    first = organ(session, "Комитет  по культуре ")

    for twin in ("КОМИТЕТ ПО КУЛЬТУРЕ", "Комитет\u00a0по\u2003культуре", "комитет по культуре"):
        with pytest.raises(RuleViolation) as error:
            organ(session, twin)
        assert (error.value.field, error.value.clause) == ("NAME", "3.3")
    assert (first.name, first.name_key) == ("Комитет по культуре", "комитет по культуре")


def _register_at_once(engine: sa.Engine, organ_ids: list[int], urls: list[str]) -> list[str]:
    """Register one account per organ, all threads let go at the same moment; say how each ended."""
    import threading

    from services.accounts import integrity_message
    from services.calendar_source import build_calendar

    calendar = build_calendar(None)
    barrier = threading.Barrier(len(organ_ids))
    outcomes: list[str] = []

    def register(organ_id: int, url: str) -> None:
        with Session(engine) as s:
            barrier.wait(timeout=30)
            try:
                account(s, calendar, organ_id, url=url)
                s.commit()
                outcomes.append("created")
            except sa.exc.IntegrityError as exc:
                violation = integrity_message(exc)
                outcomes.append(f"{violation.field} {violation.clause}")
            except RuleViolation as exc:
                outcomes.append(f"{exc.field} {exc.clause}")
            except Exception as exc:  # pragma: no cover - shown in the assertion
                outcomes.append(repr(exc))

    threads = [
        threading.Thread(target=register, args=(o, urls[n % len(urls)]))
        for n, o in enumerate(organ_ids)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="SROK_TEST_DATABASE_URL is not set")
def test_ten_organs_registering_one_address_at_once_give_one_account() -> None:
    """The unique index decides the race the application's own check cannot (PostgreSQL)."""
    from models.db import migrate
    from tests.conftest import _postgres_engine

    for engine in _postgres_engine():
        migrate(engine)
        with Session(engine) as s:
            ids = [organ(s, f"Орган {n}").id or 0 for n in range(10)]
            s.commit()

        outcomes = _register_at_once(
            engine, ids, ["https://vk.com/same", "https://vk.ru/Same/", "http://m.vk.com/SAME"]
        )

        with Session(engine) as s:
            stored = s.exec(select(Account.url)).all()
        assert sorted(outcomes) == ["--url 1.5"] * 9 + ["created"]
        assert stored == ["https://vk.com/same"]
