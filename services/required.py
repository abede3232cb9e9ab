"""Required accounts (п. 1.2): what a resolution of the Administration orders an organ to create.

The IT department records each one; it is a step of its own (clause 1.2, owed
by the organ, due on the date the resolution sets) that gets the reminders of
any other step, and is closed when an account of that organ and network is
created. Federal Law 8-ФЗ (as amended by 270-ФЗ) makes VK and Odnoklassniki
pages obligatory (распоряжение Правительства РФ № 2523-р).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.checks import PROCEDURE_ADOPTED, not_before, not_in_future
from domain.clauses import REQUIRED_ACCOUNT
from domain.dates import ru
from domain.errors import RuleViolation
from domain.networks import NETWORKS
from domain.standing import required_account_deadline
from models.tables import Account, Organ, RequiredAccount, Step
from services.audit import append
from services.steps import close_step

CLAUSE = REQUIRED_ACCOUNT.number


def add_required(
    *,
    session: Session,
    organ_id: int,
    network: str,
    resolution_number: str,
    resolution_date: date,
    due: date,
    actor: str,
    today: date,
) -> RequiredAccount:
    """Record an account a resolution requires, and open its step (п. 1.2)."""
    organ = session.get(Organ, organ_id)
    if organ is None:
        raise RuleViolation("--organ", f"нет органа с id {organ_id}", CLAUSE)
    code = network.strip().lower()
    if code not in NETWORKS or code == "other":
        known = ", ".join(c for c in NETWORKS if c != "other")
        raise RuleViolation("--network", f"«{network}» — ожидается одна из сетей: {known}", CLAUSE)
    number = resolution_number.strip()
    if not number or len(number) > 40:
        raise RuleViolation(
            "--resolution", "укажите номер постановления Администрации (до 40 знаков)", CLAUSE
        )
    not_in_future("--resolution-date", resolution_date, today=today, clause=CLAUSE)
    not_before(
        "--resolution-date",
        resolution_date,
        earliest=PROCEDURE_ADOPTED,
        what="принят Порядок",
        clause=CLAUSE,
    )
    if due < resolution_date:
        raise RuleViolation(
            "--due",
            f"{ru(due)} раньше постановления ({ru(resolution_date)}): срок не может "
            "истечь до того, как установлен",
            CLAUSE,
        )
    clash = session.exec(
        select(RequiredAccount).where(
            RequiredAccount.organ_id == organ_id,
            RequiredAccount.network == code,
            RequiredAccount.resolution_number == number,
        )
    ).first()
    if clash is not None:
        raise RuleViolation(
            "--resolution",
            f"требование уже записано (№ {clash.id}): {organ.name}, {NETWORKS[code].russian}, "
            f"постановление № {number}",
            CLAUSE,
        )
    deadline = required_account_deadline(
        network=NETWORKS[code].russian,
        resolution_number=number,
        resolution_date=resolution_date,
        due=due,
    )
    step = Step(
        organ_id=organ_id,
        clause=CLAUSE,
        due=deadline.due,
        provisional=deadline.provisional,
        explanation=deadline.explanation,
    )
    session.add(step)
    session.flush()
    assert step.id is not None
    required = RequiredAccount(
        organ_id=organ_id,
        network=code,
        resolution_number=number,
        resolution_date=resolution_date,
        due=due,
        step_id=step.id,
    )
    session.add(required)
    session.flush()
    append(
        session,
        action="step.opened",
        entity=f"step:{step.id}",
        clause=CLAUSE,
        actor=actor,
        organ_id=organ_id,
        after={
            "required_account": required.id,
            "network": code,
            "resolution": number,
            "resolution_date": resolution_date,
            "due": due,
        },
    )
    existing = session.exec(
        select(Account).where(
            Account.organ_id == organ_id, Account.network == code, col(Account.active)
        )
    ).first()
    if existing is not None:
        _close(session, required, existing)
    return required


def close_required_for(session: Session, account: Account) -> int:
    """Close the open п. 1.2 requirements that a newly created account fulfils; count them."""
    open_ones = session.exec(
        select(RequiredAccount).where(
            RequiredAccount.organ_id == account.organ_id,
            RequiredAccount.network == account.network,
            col(RequiredAccount.account_id).is_(None),
        )
    ).all()
    for required in open_ones:
        _close(session, required, account)
    return len(open_ones)


def _close(session: Session, required: RequiredAccount, account: Account) -> None:
    step = session.get(Step, required.step_id)
    assert step is not None
    required.account_id = account.id
    session.add(required)
    if step.done_on is None:
        close_step(session, step, on=account.created_on, evidence=f"account:{account.id}")


@dataclass(frozen=True)
class RequiredRow:
    id: int
    organ_id: int
    organ: str
    network: str
    resolution: str
    resolution_date: date
    due: date
    account_id: int | None
    done_on: date | None

    @property
    def missing(self) -> bool:
        return self.account_id is None

    def overdue(self, today: date) -> bool:
        """Whether the resolution's date has passed with the account still missing."""
        return self.missing and self.due < today


def list_required(session: Session, *, missing_only: bool = False) -> list[RequiredRow]:
    """List the required accounts, the missing ones first by due date."""
    query = (
        select(RequiredAccount, Organ.name, col(Step.done_on))
        .join(Organ, col(Organ.id) == col(RequiredAccount.organ_id))
        .join(Step, col(Step.id) == col(RequiredAccount.step_id))
    )
    if missing_only:
        query = query.where(col(RequiredAccount.account_id).is_(None))
    rows = [
        RequiredRow(
            id=r.id or 0,
            organ_id=r.organ_id,
            organ=name,
            network=r.network,
            resolution=r.resolution_number,
            resolution_date=r.resolution_date,
            due=r.due,
            account_id=r.account_id,
            done_on=done_on,
        )
        for r, name, done_on in session.exec(query).all()
    ]
    return sorted(rows, key=lambda r: (not r.missing, r.due, r.id))


def required_network(session: Session, step: Step) -> str:
    """Return the network code of the required account a п. 1.2 step stands for."""
    found = session.exec(
        select(RequiredAccount.network).where(RequiredAccount.step_id == step.id)
    ).first()
    return found or "other"
