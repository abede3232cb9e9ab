"""Use cases on organs, specialists, accounts and access (п. 1.5, 1.6, 3.1, 3.2, 3.3)."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.access import busiest_day, overlaps
from domain.calendar import WorkingCalendar
from domain.checks import PROCEDURE_ADOPTED, not_before, not_in_future
from domain.clauses import ACCESS_LIMIT, MAX_PEOPLE_WITH_ACCESS, ONE_ACCOUNT_PER_NETWORK
from domain.dates import ru
from domain.errors import NotFound, RuleViolation
from domain.lifecycle import CycleKind
from domain.networks import account_address, network, network_key, normalise_url
from domain.text import clean_text, name_key
from models.tables import (
    AccessGrant,
    Account,
    AccountAddress,
    AccountSpecialist,
    Organ,
    Specialist,
)
from services.email_address import check_email, optional_email
from services.required import close_required_for
from services.steps import open_cycle, record_event

ORGAN_DETAILS = "2.4"  # the official name, postal address, email and phone of an organ


def _clean(
    field: str, value: str | None, *, required: bool = False, clause: str | None = "3.1"
) -> str | None:
    return clean_text(field, value, clause=clause, required=required)


def add_organ(
    *,
    session: Session,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    head_email: str | None = None,
    actor: str,
    today: date,
) -> Organ:
    """Register an organ under its official name (п. 2.4, 3.3 абзац 2)."""
    clean = _clean("NAME", unicodedata.normalize("NFKC", name), required=True, clause=ORGAN_DETAILS)
    clean = clean or ""
    key = name_key(clean)
    same = session.exec(select(Organ).where(Organ.name_key == key)).first()
    if same is not None:
        raise RuleViolation(
            "NAME", f"орган «{same.name}» уже зарегистрирован (id {same.id})", "3.3"
        )
    organ = Organ(
        name=clean,
        name_key=key,
        email=optional_email("--email", email, clause=ORGAN_DETAILS),
        phone=_clean("--phone", phone, clause=ORGAN_DETAILS),
        postal_address=_clean("--address", address, clause=ORGAN_DETAILS),
        head_email=optional_email("--head-email", head_email, clause=None),
    )
    session.add(organ)
    session.flush()
    record_event(session, kind="organ_added", occurred_on=today, actor=actor, organ_id=organ.id)
    return organ


def get_organ(session: Session, organ_id: int, *, field: str = "--organ") -> Organ:
    organ = session.get(Organ, organ_id)
    if organ is None:
        raise NotFound(field, f"нет органа с id {organ_id}")
    return organ


def add_specialist(
    *,
    session: Session,
    organ_id: int,
    name: str,
    position: str,
    phone: str,
    email: str,
    actor: str,
    today: date,
) -> Specialist:
    """Register a responsible specialist of an organ (personal data, п. 3.3 абзац 5)."""
    get_organ(session, organ_id)
    specialist = Specialist(
        organ_id=organ_id,
        full_name=_clean("--name", name, required=True) or "",
        position=_clean("--position", position, required=True) or "",
        phone=_clean("--phone", phone, required=True) or "",
        email=check_email("--email", email, clause="3.1"),
    )
    session.add(specialist)
    session.flush()
    # The event names the specialist by id only: personal data stays in its table.
    record_event(
        session,
        kind="specialist_added",
        occurred_on=today,
        actor=actor,
        organ_id=organ_id,
        specialist_id=specialist.id,
    )
    return specialist


def get_account(session: Session, account_id: int, *, field: str = "--account") -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(field, f"нет аккаунта с id {account_id}")
    return account


def _check_specialists(session: Session, organ_id: int, ids: list[int], clause: str) -> list[int]:
    if len(set(ids)) != len(ids):
        raise RuleViolation("--specialist", "один специалист указан дважды", clause)
    for sid in ids:
        specialist = session.get(Specialist, sid)
        if specialist is None:
            raise NotFound("--specialist", f"нет специалиста с id {sid}", clause)
        if specialist.organ_id != organ_id:
            raise RuleViolation(
                "--specialist", f"специалист {sid} относится к другому органу", clause
            )
    return ids


def _check_url_free(session: Session, url: str, *, except_account: int | None = None) -> None:
    query = select(Account).where(Account.url == url, col(Account.active).is_(True))
    other = session.exec(query).first()
    if other is not None and other.id != except_account:
        raise RuleViolation(
            "--url", f"{url} уже зарегистрирован как аккаунт {other.id}", ONE_ACCOUNT_PER_NETWORK
        )


def create_account(
    *,
    session: Session,
    calendar: WorkingCalendar,
    organ_id: int,
    network_code: str | None,
    url: str,
    created_on: date,
    specialist_ids: list[int],
    actor: str,
    today: date,
) -> Account:
    """Register a new account and open its steps (п. 3.1, 1.4, 3.4, 3.5).

    The network is read from the address (п. 1.5); ``network_code``, when given,
    must agree with it.
    """
    organ = get_organ(session, organ_id)
    net, canonical = account_address(network_code, url)
    not_in_future("--created-on", created_on, today=today, clause="3.1")
    not_before(
        "--created-on", created_on, earliest=PROCEDURE_ADOPTED, what="принят Порядок", clause="3.1"
    )
    _check_specialists(session, organ_id, specialist_ids, "3.1")
    key = network_key(net, canonical)
    clash = session.exec(
        select(Account).where(
            Account.organ_id == organ_id, Account.network_key == key, col(Account.active).is_(True)
        )
    ).first()
    if clash is not None:
        raise RuleViolation(
            "--network",
            f"у органа «{organ.name}» уже есть аккаунт {clash.id} в сети {net.russian} "
            f"({clash.url}): в одной социальной сети допускается только один аккаунт",
            ONE_ACCOUNT_PER_NETWORK,
        )
    _check_url_free(session, canonical)
    account = Account(
        organ_id=organ_id, network=net.code, network_key=key, url=canonical, created_on=created_on
    )
    session.add(account)
    session.flush()
    assert account.id is not None
    session.add(AccountAddress(account_id=account.id, url=canonical, valid_from=created_on))
    for sid in specialist_ids:
        session.add(AccountSpecialist(account_id=account.id, specialist_id=sid, since=created_on))
    open_cycle(
        session,
        calendar,
        account_id=account.id,
        kind=CycleKind.CREATION,
        occurred_on=created_on,
        summary=f"создан аккаунт {canonical}",
    )
    close_required_for(session, account)  # п. 1.2: a resolution's requirement is met
    record_event(
        session,
        kind="account_created",
        occurred_on=created_on,
        actor=actor,
        account_id=account.id,
        organ_id=organ_id,
        url=canonical,
        specialist_ids=specialist_ids,
    )
    return account


def current_specialist_ids(session: Session, account_id: int) -> list[int]:
    rows = session.exec(
        select(AccountSpecialist.specialist_id)
        .where(AccountSpecialist.account_id == account_id, col(AccountSpecialist.until).is_(None))
        .order_by(col(AccountSpecialist.specialist_id))
    )
    return list(rows)


def change_account(
    *,
    session: Session,
    calendar: WorkingCalendar,
    account_id: int,
    changed_on: date,
    url: str | None,
    specialist_ids: list[int] | None,
    actor: str,
    today: date,
) -> Account:
    """Record a change of an account's details and open its п. 3.2 cycle."""
    account = get_account(session, account_id)
    if url is None and not specialist_ids:
        raise RuleViolation("--url/--specialist", "укажите, что изменилось", "3.2")
    not_in_future("--changed-on", changed_on, today=today, clause="3.2")
    current_address = session.exec(
        select(AccountAddress).where(
            AccountAddress.account_id == account_id, col(AccountAddress.valid_until).is_(None)
        )
    ).one()
    not_before(
        "--changed-on",
        changed_on,
        earliest=current_address.valid_from,
        what="начал действовать текущий адрес",
        clause="3.2",
    )
    changes: list[str] = []
    details: dict[str, Any] = {}
    address_changed = False
    if url is not None:
        canonical = normalise_url(network(account.network), url)
        if canonical == account.url:
            raise RuleViolation("--url", f"{canonical} — это и есть текущий адрес", "3.2")
        _check_url_free(session, canonical, except_account=account_id)
        current_address.valid_until = changed_on
        session.add(current_address)
        session.add(AccountAddress(account_id=account_id, url=canonical, valid_from=changed_on))
        changes.append(f"адрес {account.url} → {canonical}")
        details.update(previous_url=account.url, url=canonical)
        account.url = canonical
        session.add(account)
        address_changed = True
    if specialist_ids:
        _check_specialists(session, account.organ_id, specialist_ids, "3.2")
        before = current_specialist_ids(session, account_id)
        after = sorted(specialist_ids)
        if before == after:
            raise RuleViolation(
                "--specialist", "эти специалисты уже назначены ответственными", "3.2"
            )
        for link in session.exec(
            select(AccountSpecialist).where(
                AccountSpecialist.account_id == account_id, col(AccountSpecialist.until).is_(None)
            )
        ):
            if link.specialist_id not in after:
                link.until = changed_on
                session.add(link)
        for sid in after:
            if sid not in before:
                session.add(
                    AccountSpecialist(account_id=account_id, specialist_id=sid, since=changed_on)
                )
        changes.append(
            "ответственные специалисты: "
            f"{', '.join(f'№{i}' for i in before) or 'нет'} → "
            f"{', '.join(f'№{i}' for i in after)}"
        )
        details.update(previous_specialist_ids=before, specialist_ids=after)
    session.flush()
    open_cycle(
        session,
        calendar,
        account_id=account_id,
        kind=CycleKind.CHANGE,
        occurred_on=changed_on,
        summary="; ".join(changes),
        address_changed=address_changed,
    )
    record_event(
        session,
        kind="account_changed",
        occurred_on=changed_on,
        actor=actor,
        account_id=account_id,
        **details,
    )
    return account


def grant_access(
    *, session: Session, account_id: int, person: str, on: date, actor: str, today: date
) -> AccessGrant:
    """Give a person the right to run an account: at most three at a time (п. 1.6)."""
    account = get_account(session, account_id)
    person_clean = _clean("--person", person, required=True, clause=ACCESS_LIMIT) or ""
    not_in_future("--on", on, today=today, clause=ACCESS_LIMIT)
    not_before("--on", on, earliest=account.created_on, what="создан аккаунт", clause=ACCESS_LIMIT)
    grants = list(session.exec(select(AccessGrant).where(AccessGrant.account_id == account_id)))
    active = [g for g in grants if g.revoked_on is None]
    if any(g.person == person_clean for g in active):
        raise RuleViolation("--person", f"у «{person_clean}» доступ уже есть", ACCESS_LIMIT)
    for g in grants:
        if g.person == person_clean and overlaps((g.granted_on, g.revoked_on), on):
            raise RuleViolation(
                "--on",
                f"у «{person_clean}» был доступ до {ru(g.revoked_on or on)}: "
                f"доступ с {ru(on)} пересёкся бы с прежним",
                ACCESS_LIMIT,
            )
    # A back-dated grant must keep the limit on every day since, not only today.
    day, holders = busiest_day([(g.granted_on, g.revoked_on) for g in grants] + [(on, None)], on)
    if holders > MAX_PEOPLE_WITH_ACCESS:
        raise RuleViolation(
            "--on" if on < today else "--person",
            f"с {ru(on)} к аккаунту {account_id} имели бы доступ {holders} человека "
            f"(на {ru(day)}); одновременно не более {MAX_PEOPLE_WITH_ACCESS}: "
            "сначала отзовите доступ",
            ACCESS_LIMIT,
        )
    slot = min({1, 2, 3} - {g.slot for g in active})
    grant = AccessGrant(account_id=account_id, person=person_clean, slot=slot, granted_on=on)
    session.add(grant)
    session.flush()
    record_event(
        session,
        kind="access_granted",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        grant_id=grant.id,
    )
    return grant


def revoke_access(
    *, session: Session, account_id: int, person: str, on: date, actor: str, today: date
) -> AccessGrant:
    """End a person's access to an account (п. 1.6)."""
    get_account(session, account_id)
    not_in_future("--on", on, today=today, clause=ACCESS_LIMIT)
    person_clean = _clean("--person", person, required=True, clause=ACCESS_LIMIT) or ""
    grant = session.exec(
        select(AccessGrant).where(
            AccessGrant.account_id == account_id,
            AccessGrant.person == person_clean,
            col(AccessGrant.revoked_on).is_(None),
        )
    ).first()
    if grant is None:
        raise RuleViolation(
            "--person", f"у «{person_clean}» нет доступа к аккаунту {account_id}", ACCESS_LIMIT
        )
    not_before(
        "--on", on, earliest=grant.granted_on, what="предоставлен доступ", clause=ACCESS_LIMIT
    )
    grant.revoked_on = on
    session.add(grant)
    record_event(
        session,
        kind="access_revoked",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        grant_id=grant.id,
    )
    return grant


def describe_account(session: Session, account_id: int) -> dict[str, Any]:
    """Return an account with its address history, specialists by id and access holders."""
    account = get_account(session, account_id)
    organ = get_organ(session, account.organ_id)
    addresses = session.exec(
        select(AccountAddress)
        .where(AccountAddress.account_id == account_id)
        .order_by(col(AccountAddress.valid_from), col(AccountAddress.id))
    )
    grants = session.exec(
        select(AccessGrant)
        .where(AccessGrant.account_id == account_id, col(AccessGrant.revoked_on).is_(None))
        .order_by(col(AccessGrant.slot))
    )
    return {
        "id": account.id,
        "organ_id": organ.id,
        "organ": organ.name,
        "network": account.network,
        "network_name": network(account.network).russian,
        "url": account.url,
        "created_on": account.created_on.isoformat(),
        "active": account.active,
        "addresses": [
            {
                "url": a.url,
                "from": a.valid_from.isoformat(),
                "until": a.valid_until.isoformat() if a.valid_until else None,
            }
            for a in addresses
        ],
        "specialist_ids": current_specialist_ids(session, account_id),
        "access": [{"person": g.person, "since": g.granted_on.isoformat()} for g in grants],
    }


def integrity_message(exc: sa.exc.IntegrityError) -> RuleViolation:
    """Translate a constraint the database caught into the rule it stands for."""
    text = str(exc.orig)
    if "uq_account_one_per_network" in text or "account.organ_id, account.network_key" in text:
        return RuleViolation(
            "--network",
            "в одной социальной сети допускается только один аккаунт органа",
            ONE_ACCOUNT_PER_NETWORK,
        )
    if "uq_account_url" in text or "account.url" in text:
        return RuleViolation(
            "--url",
            "этот адрес уже зарегистрирован за другим аккаунтом",
            ONE_ACCOUNT_PER_NETWORK,
        )
    if "uq_organ_name_key" in text or "organ.name_key" in text:
        return RuleViolation("NAME", "орган с таким наименованием уже зарегистрирован", "3.3")
    if "access_grant" in text:
        return RuleViolation(
            "--person",
            f"доступ одновременно не более чем у {MAX_PEOPLE_WITH_ACCESS} человек",
            ACCESS_LIMIT,
        )
    return RuleViolation("database", f"база данных отклонила изменение: {text}")


SPECIALIST_FIELDS = {
    "full_name": "ФИО",
    "position": "должность",
    "phone": "телефон",
    "email": "адрес электронной почты",
}


def update_specialist(
    *,
    session: Session,
    calendar: WorkingCalendar,
    specialist_id: int,
    changed_on: date,
    actor: str,
    today: date,
    name: str | None = None,
    position: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> tuple[Specialist, list[int]]:
    """Change a specialist's details: a п. 3.2 change for every account they answer for.

    Only the names of the changed fields are recorded, never their values.
    """
    specialist = session.get(Specialist, specialist_id)
    if specialist is None:
        raise NotFound("ID", f"нет специалиста с id {specialist_id}", "3.2")
    not_in_future("--changed-on", changed_on, today=today, clause="3.2")
    wanted = {
        "full_name": _clean("--name", name, clause="3.2"),
        "position": _clean("--position", position, clause="3.2"),
        "phone": _clean("--phone", phone, clause="3.2"),
        "email": optional_email("--email", email, clause="3.2"),
    }
    changed = [f for f, v in wanted.items() if v is not None and v != getattr(specialist, f)]
    if not changed:
        raise RuleViolation("--name/--position/--phone/--email", "укажите, что изменилось", "3.2")
    for f in changed:
        setattr(specialist, f, wanted[f] or "")
    session.add(specialist)
    accounts = session.exec(
        select(Account)
        .join(AccountSpecialist, col(AccountSpecialist.account_id) == col(Account.id))
        .where(
            AccountSpecialist.specialist_id == specialist_id,
            col(AccountSpecialist.until).is_(None),
            col(Account.active),
            col(Account.created_on) <= changed_on,
        )
        .order_by(col(Account.id))
    ).all()
    words = ", ".join(SPECIALIST_FIELDS[f] for f in changed)
    for account in accounts:
        assert account.id is not None
        open_cycle(
            session,
            calendar,
            account_id=account.id,
            kind=CycleKind.CHANGE,
            occurred_on=changed_on,
            summary=f"изменены сведения об ответственном специалисте № {specialist_id}: {words}",
        )
    ids = [a.id or 0 for a in accounts]
    record_event(
        session,
        kind="specialist_changed",
        occurred_on=changed_on,
        actor=actor,
        organ_id=specialist.organ_id,
        specialist_id=specialist_id,
        fields=changed,
        account_ids=ids,
    )
    return specialist, ids


def list_organs(session: Session) -> list[Organ]:
    return list(session.exec(select(Organ).order_by(col(Organ.name))))


def list_specialists(session: Session, *, organ_id: int | None = None) -> list[Specialist]:
    """Return specialists (personal data: for the IT department's pages only)."""
    query = select(Specialist).order_by(col(Specialist.organ_id), col(Specialist.full_name))
    if organ_id is not None:
        query = query.where(Specialist.organ_id == organ_id)
    return list(session.exec(query))
