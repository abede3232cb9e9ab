"""The п. 3.1 and п. 3.2 notices as an organ files them: one form, one transaction.

Filing creates what srok does not know yet (the account, its specialists, the
people with access), records every change the notice reports, and records the
notice as sent and received at that moment: the IT department no longer types
it. Field names are the form's, so a web page can point at the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from domain.calendar import WorkingCalendar
from domain.clauses import ONE_ACCOUNT_PER_NETWORK
from domain.errors import RuleViolation
from domain.networks import network, normalise_url
from models.tables import AccessGrant, Account, Specialist
from services.accounts import (
    add_specialist,
    change_account,
    create_account,
    current_specialist_ids,
    get_account,
    get_organ,
    grant_access,
    update_specialist,
)
from services.events import record_notice

MAX_SPECIALISTS = 3  # rows a form offers; the procedure sets no number


@dataclass(frozen=True)
class SpecialistData:
    """What п. 3.1 asks about each responsible specialist (personal data, п. 3.3 абзац 5)."""

    full_name: str
    position: str
    phone: str
    email: str

    def blank(self) -> bool:
        return not any(v.strip() for v in (self.full_name, self.position, self.phone, self.email))


def _check_rows(rows: list[SpecialistData], clause: str) -> list[tuple[int, SpecialistData]]:
    filled = [(n, r) for n, r in enumerate(rows, start=1) if not r.blank()]
    if not filled:
        raise RuleViolation(
            "specialist_1_full_name",
            "укажите хотя бы одного ответственного специалиста: ФИО, должность, телефон, почту",
            clause,
        )
    seen: set[str] = set()
    for n, row in filled:
        for name, words in (
            ("full_name", "ФИО"),
            ("position", "должность"),
            ("phone", "телефон"),
            ("email", "адрес электронной почты"),
        ):
            if not getattr(row, name).strip():
                raise RuleViolation(f"specialist_{n}_{name}", f"{words}: не заполнено", clause)
        email = row.email.strip().lower()
        if "@" not in email.strip("@"):
            raise RuleViolation(f"specialist_{n}_email", "не адрес электронной почты", clause)
        if email in seen:
            raise RuleViolation(f"specialist_{n}_email", "этот специалист указан дважды", clause)
        seen.add(email)
    return filled


def _resolve_specialists(
    session: Session,
    calendar: WorkingCalendar,
    *,
    organ_id: int,
    rows: list[SpecialistData],
    changed_on: date,
    clause: str,
    actor: str,
    today: date,
) -> tuple[list[int], set[int]]:
    """Find each specialist by email in the organ, updating changed details, or add them.

    Returns their ids and the accounts whose details changed with them (п. 3.2).
    """
    ids: list[int] = []
    touched: set[int] = set()
    for _, row in _check_rows(rows, clause):
        known = session.exec(
            select(Specialist).where(
                Specialist.organ_id == organ_id,
                func.lower(Specialist.email) == row.email.strip().lower(),
            )
        ).first()
        if known is None:
            person = add_specialist(
                session=session,
                organ_id=organ_id,
                name=row.full_name,
                position=row.position,
                phone=row.phone,
                email=row.email,
                actor=actor,
                today=today,
            )
        else:
            person = known
            differs = (
                known.full_name != row.full_name.strip()
                or known.position != row.position.strip()
                or known.phone != row.phone.strip()
            )
            if differs:
                _, accounts = update_specialist(
                    session=session,
                    calendar=calendar,
                    specialist_id=known.id or 0,
                    changed_on=changed_on,
                    actor=actor,
                    today=today,
                    name=row.full_name,
                    position=row.position,
                    phone=row.phone,
                )
                touched.update(accounts)
        assert person.id is not None
        ids.append(person.id)
    return sorted(ids), touched


def _notify(
    session: Session, calendar: WorkingCalendar, account_ids: set[int], *, actor: str, today: date
) -> None:
    for account_id in sorted(account_ids):
        record_notice(
            session=session,
            calendar=calendar,
            account_id=account_id,
            on=today,
            received_on=today,
            actor=actor,
            today=today,
        )


def file_creation_notice(
    *,
    session: Session,
    calendar: WorkingCalendar,
    organ_id: int,
    network_code: str,
    url: str,
    created_on: date,
    specialists: list[SpecialistData],
    access: list[str],
    actor: str,
    today: date,
) -> Account:
    """File the п. 3.1 notice of a new account: register what is new, record the notice now."""
    organ = get_organ(session, organ_id)
    try:
        canonical = normalise_url(network(network_code), url)
    except RuleViolation as error:
        raise RuleViolation(
            "url" if error.field == "--url" else "network", error.message, error.clause or "3.1"
        ) from None
    ids, touched = _resolve_specialists(
        session,
        calendar,
        organ_id=organ_id,
        rows=specialists,
        changed_on=today,
        clause="3.1",
        actor=actor,
        today=today,
    )
    known = session.exec(
        select(Account).where(Account.url == canonical, col(Account.active).is_(True))
    ).first()
    if known is not None and known.organ_id != organ_id:
        raise RuleViolation(
            "url", f"{canonical} зарегистрирован за другим органом", ONE_ACCOUNT_PER_NETWORK
        )
    if known is None:
        account = create_account(
            session=session,
            calendar=calendar,
            organ_id=organ.id or 0,
            network_code=network_code,
            url=canonical,
            created_on=created_on,
            specialist_ids=ids,
            actor=actor,
            today=today,
        )
    else:
        account = known
        if current_specialist_ids(session, known.id or 0) != ids:
            change_account(
                session=session,
                calendar=calendar,
                account_id=known.id or 0,
                changed_on=today,
                url=None,
                specialist_ids=ids,
                actor=actor,
                today=today,
            )
    assert account.id is not None
    granted = {
        g.person
        for g in session.exec(
            select(AccessGrant).where(
                AccessGrant.account_id == account.id, col(AccessGrant.revoked_on).is_(None)
            )
        )
    }
    for n, person in enumerate(access, start=1):
        if person.strip() and person.strip() not in granted:
            try:
                grant_access(
                    session=session,
                    account_id=account.id,
                    person=person,
                    on=created_on if known is None else today,
                    actor=actor,
                    today=today,
                )
            except RuleViolation as error:
                raise RuleViolation(f"access_{n}", error.message, error.clause) from None
    _notify(session, calendar, touched | {account.id}, actor=actor, today=today)
    return account


def file_change_notice(
    *,
    session: Session,
    calendar: WorkingCalendar,
    account_id: int,
    changed_on: date,
    url: str | None,
    specialists: list[SpecialistData],
    actor: str,
    today: date,
) -> Account:
    """File the п. 3.2 notice of a change: new address, other specialists, changed contacts."""
    account = get_account(session, account_id)
    new_url = url.strip() if url and url.strip() else None
    if new_url is not None:
        try:
            if normalise_url(network(account.network), new_url) == account.url:
                new_url = None  # the form shows the current address: unchanged
        except RuleViolation as error:
            raise RuleViolation("url", error.message, "3.2") from None
    ids, touched = _resolve_specialists(
        session,
        calendar,
        organ_id=account.organ_id,
        rows=specialists,
        changed_on=changed_on,
        clause="3.2",
        actor=actor,
        today=today,
    )
    new_people = ids if ids != current_specialist_ids(session, account_id) else None
    if new_url is None and new_people is None and account_id not in touched:
        raise RuleViolation(
            "url", "укажите, что изменилось: адрес, специалистов или их контакты", "3.2"
        )
    if new_url is not None or new_people is not None:
        change_account(
            session=session,
            calendar=calendar,
            account_id=account_id,
            changed_on=changed_on,
            url=new_url,
            specialist_ids=new_people,
            actor=actor,
            today=today,
        )
    _notify(session, calendar, touched | {account_id}, actor=actor, today=today)
    return account


def notice_content(session: Session, account_id: int) -> dict[str, object]:
    """What a notice about the account says: its details and its specialists' contacts.

    Personal data (п. 3.3 абзац 5): for the organ's own pages and the IT
    department only, never for public pages, logs or the audit trail.
    """
    from services.accounts import describe_account

    described = describe_account(session, account_id)
    ids = current_specialist_ids(session, account_id)
    people = (
        session.exec(select(Specialist).where(col(Specialist.id).in_(ids))).all() if ids else []
    )
    described["specialists"] = [
        {
            "id": p.id,
            "full_name": p.full_name,
            "position": p.position,
            "phone": p.phone,
            "email": p.email,
        }
        for p in sorted(people, key=lambda p: p.id or 0)
    ]
    return described
