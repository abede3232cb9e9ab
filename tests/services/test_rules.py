"""п. 2.1 and 2.4 for a small city, its networks served by local fakes on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.errors import NotFound, RuleViolation
from domain.posting import IsoWeek
from services.network_clients import NetworkClients
from services.rules import RuleResult, check_standing_rules
from tests.networks.city import Fakes, city, clients_for, running_fakes
from tests.services.helpers import TODAY

WEEK = IsoWeek(2026, 48)


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    yield from running_fakes()


def run(session: Session, clients: NetworkClients, **kw: int) -> dict[tuple[int, str], RuleResult]:
    try:
        results = check_standing_rules(
            session=session, clients=clients, week=WEEK, today=TODAY, **kw
        )
        return {(r.account_id, r.rule): r for r in results}
    finally:
        clients.close()


def test_each_account_gets_one_result_per_rule_with_its_figures(
    session: Session, calendar: WorkingCalendar, fakes: Fakes
) -> None:
    ids = city(session, calendar, fakes)

    results = run(session, clients_for(fakes))

    assert results[(ids["vk"], "2.1")].as_dict() == {
        "account_id": ids["vk"], "rule": "2.1", "checked": True, "ok": True,
        "week": "2026-W48", "posts": 14, "required": 8,
    }  # fmt: skip
    assert results[(ids["ok"], "2.1")].figures["posts"] == 6
    assert results[(ids["ok"], "2.1")].ok is False
    assert results[(ids["vk"], "2.4")].ok is True
    assert results[(ids["ok"], "2.4")].figures["missing"] == ["phone"]
    assert results[(ids["telegram_open"], "2.4")].figures["missing"] == ["name", "address", "phone"]
    assert len(results) == 12


def test_unreadable_accounts_are_not_checked_with_the_reason_never_zero(
    session: Session, calendar: WorkingCalendar, fakes: Fakes
) -> None:
    ids = city(session, calendar, fakes)

    results = run(session, clients_for(fakes))

    closed = results[(ids["telegram"], "2.1")]
    assert (closed.checked, closed.ok, closed.figures["posts"]) == (False, None, None)
    assert "нет публичного предпросмотра" in (closed.reason or "")
    assert results[(ids["max"], "2.1")].reason == "не проверено: нет токена (SROK_MAX_TOKEN)"
    assert "не проверяется автоматически" in (results[(ids["rutube"], "2.4")].reason or "")
    assert "RUTUBE" in (results[(ids["rutube"], "2.4")].reason or "")


def test_an_expired_token_stops_asking_that_network_and_others_go_on(
    session: Session, calendar: WorkingCalendar, fakes: Fakes
) -> None:
    ids = city(session, calendar, fakes)
    fakes.vk.faults.append("token")

    results = run(session, clients_for(fakes))

    assert "SROK_VK_TOKEN" in (results[(ids["vk"], "2.1")].reason or "")
    assert results[(ids["vk"], "2.4")].reason == results[(ids["vk"], "2.1")].reason
    assert len(fakes.vk.requests) == 1
    assert results[(ids["ok"], "2.1")].checked


def test_one_account_is_checked_alone(
    session: Session, calendar: WorkingCalendar, fakes: Fakes
) -> None:
    ids = city(session, calendar, fakes)

    results = run(session, clients_for(fakes), account_id=ids["ok"])

    assert set(results) == {(ids["ok"], "2.1"), (ids["ok"], "2.4")}


def test_an_unknown_account_is_refused(
    session: Session, calendar: WorkingCalendar, fakes: Fakes
) -> None:
    with pytest.raises(NotFound):
        run(session, clients_for(fakes), account_id=999)


def test_a_week_that_has_not_ended_is_refused(session: Session, fakes: Fakes) -> None:
    clients = clients_for(fakes)

    with pytest.raises(RuleViolation, match="ещё не закончилась") as caught:
        list(
            check_standing_rules(
                session=session, clients=clients, week=IsoWeek(2026, 49), today=TODAY
            )
        )
    clients.close()

    assert caught.value.field == "--week"


def test_a_missing_ca_bundle_is_named_by_its_variable(fakes: Fakes) -> None:
    with pytest.raises(RuleViolation) as caught:
        clients_for(fakes, SROK_VK_CA_BUNDLE="/nonexistent/russian_trusted_root_ca.pem")

    assert caught.value.field == "SROK_VK_CA_BUNDLE"
