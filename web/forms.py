"""Read what a form (or a JSON body) sent, with the field named when it is wrong.

The HTML forms and the JSON API both go through these, so a date or a
specialist is checked the same way whichever door it came in by.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from pydantic import Field
from sqlmodel import Session

from domain.errors import RuleViolation
from services.app import Srok
from services.notices import (
    MAX_SPECIALISTS,
    SpecialistData,
    file_change_notice,
    file_creation_notice,
)
from services.users import Viewer

SPECIALIST_FIELDS = ("full_name", "position", "phone", "email")
MAX_ACCESS = 3  # п. 1.6: at most three people have access at a time
# Ids are PostgreSQL `integer`: a larger one names nothing and must not reach SQL.
ID_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
IdQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]


def text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def required(data: Mapping[str, Any], name: str, words: str, clause: str | None) -> str:
    value = text(data, name)
    if not value:
        raise RuleViolation(name, f"{words}: не заполнено", clause)
    return value


def day(data: Mapping[str, Any], name: str, words: str, clause: str | None) -> date:
    value = required(data, name, words, clause)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(name, f"«{value}» — не дата (ГГГГ-ММ-ДД)", clause) from None


def number(data: Mapping[str, Any], name: str, words: str, clause: str | None = None) -> int:
    value = required(data, name, words, clause)
    try:
        found = int(value)
    except ValueError:
        raise RuleViolation(name, f"«{value}» — не число", clause) from None
    if not 1 <= found <= ID_MAX:
        raise RuleViolation(name, f"{words}: номера {value} нет", clause)
    return found


def is_id(value: object) -> bool:
    """Tell whether a path's or query's value can name a row (1 .. ID_MAX)."""
    try:
        return 1 <= int(str(value)) <= ID_MAX
    except ValueError:
        return False


def specialists(data: Mapping[str, Any]) -> list[SpecialistData]:
    """Rows specialist_N_full_name ... specialist_N_email, N = 1..MAX_SPECIALISTS."""
    return [
        SpecialistData(*(text(data, f"specialist_{n}_{f}") for f in SPECIALIST_FIELDS))
        for n in range(1, MAX_SPECIALISTS + 1)
    ]


def people(data: Mapping[str, Any]) -> list[str]:
    """Rows access_1 .. access_3: the people with access (п. 1.6)."""
    return [text(data, f"access_{n}") for n in range(1, MAX_ACCESS + 1)]


def flatten(body: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a JSON body's lists (specialists, access) into the form's flat fields."""
    flat = {k: v for k, v in body.items() if k not in ("specialists", "access")}
    # A row the form has no place for would be silently lost: refuse it, naming it.
    if len(body.get("specialists") or []) > MAX_SPECIALISTS:
        n = MAX_SPECIALISTS + 1
        raise RuleViolation(
            f"specialist_{n}_full_name",
            f"за раз принимается не больше {MAX_SPECIALISTS} ответственных специалистов; "
            "остальных добавьте изменением (п. 3.2)",
            "3.1",
        )
    if len(body.get("access") or []) > MAX_ACCESS:
        raise RuleViolation(
            f"access_{MAX_ACCESS + 1}",
            f"доступ к аккаунту имеют не больше {MAX_ACCESS} человек",
            "1.6",
        )
    for n, row in enumerate(body.get("specialists") or [], start=1):
        if isinstance(row, Mapping):
            for f in SPECIALIST_FIELDS:
                flat[f"specialist_{n}_{f}"] = row.get(f)
    for n, person in enumerate(body.get("access") or [], start=1):
        flat[f"access_{n}"] = person
    return flat


def file_creation_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer
) -> int:
    """File the п. 3.1 notice a form or an API body gives; return the account's id.

    One parse of the fields for both adapters, the HTML form and the JSON API.
    """
    organ_id = who.organ_id if who.role == "specialist" else number(form, "organ", "орган")
    assert organ_id is not None
    account = file_creation_notice(
        session=session,
        calendar=srok.calendar,
        organ_id=organ_id,
        network_code=required(form, "network", "социальная сеть", "3.1"),
        url=required(form, "url", "адрес аккаунта", "3.1"),
        created_on=day(form, "created_on", "дата создания", "3.1"),
        specialists=specialists(form),
        access=people(form),
        actor=who.actor,
        today=srok.today(),
    )
    return account.id or 0


def file_change_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer, account_id: int
) -> None:
    """File the п. 3.2 notice a form or an API body gives: one parse for both adapters."""
    file_change_notice(
        session=session,
        calendar=srok.calendar,
        account_id=account_id,
        changed_on=day(form, "changed_on", "дата изменения", "3.2"),
        url=text(form, "url"),
        specialists=specialists(form),
        actor=who.actor,
        today=srok.today(),
    )
