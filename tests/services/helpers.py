"""Small builders for service tests."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from models.tables import Account, Organ, Specialist
from services.accounts import add_organ, add_specialist, create_account

TODAY = date(2026, 12, 1)
ACTOR = "test"


def organ(session: Session, name: str = "Комитет по культуре") -> Organ:
    return add_organ(
        session=session, name=name, email="kultura@example.invalid", actor=ACTOR, today=TODAY
    )


def specialist(session: Session, organ_id: int, n: int = 1) -> Specialist:
    return add_specialist(
        session=session,
        organ_id=organ_id,
        name=f"Тестов Тест {n}",
        position="главный специалист",
        phone=f"+7 000 000-00-{n:02d}",
        email=f"test{n}@example.invalid",
        actor=ACTOR,
        today=TODAY,
    )


def account(
    session: Session,
    calendar: WorkingCalendar,
    organ_id: int,
    *,
    network: str | None = "vk",
    url: str = "https://vk.com/kultura_test",
    created_on: date = date(2026, 11, 20),
    specialist_ids: list[int] | None = None,
) -> Account:
    return create_account(
        session=session,
        calendar=calendar,
        organ_id=organ_id,
        network_code=network,
        url=url,
        created_on=created_on,
        specialist_ids=specialist_ids or [],
        actor=ACTOR,
        today=TODAY,
    )
