"""One click from a reminder: a signed link to the action that closes its step.

The link is signed with the installation's secret and bound to one step, one
action and one reminder (its key is the nonce); it expires after
LINK_WORKING_DAYS working days and works once. Opening it changes nothing;
only the confirmation (a POST) acts, recorded as the reminder's specialists
«по ссылке из напоминания».
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.dates import ru
from models.tables import ActionLinkUse, Reminder, Step
from services.signing import sign, unsign

LINK_WORKING_DAYS = 10
PURPOSE = "action-link"
ACTIONS = {"3.1": "notice", "3.2": "notice", "1.4": "link"}  # the organ's steps only


class LinkRefused(Exception):
    """A link that cannot act: forged, expired, used, or its step is already done."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ActionLink:
    step_id: int
    action: str
    nonce: str
    reminder_id: int
    expires: date


def issue(
    *,
    secret: bytes,
    calendar: WorkingCalendar,
    step_id: int,
    clause: str,
    reminder_id: int,
    reminder_key: str,
    on: date,
) -> str | None:
    """Return the signed token for a reminder's step, or None if no one-click action fits."""
    action = ACTIONS.get(clause)
    if action is None:
        return None
    payload = {
        "s": step_id,
        "a": action,
        "n": reminder_key,
        "r": reminder_id,
        "e": calendar.add_working_days(on, LINK_WORKING_DAYS).isoformat(),
    }
    return sign(payload, secret=secret, purpose=PURPOSE)


def read(*, session: Session, token: str, secret: bytes, today: date) -> tuple[ActionLink, Step]:
    """Check a token without changing anything; say in Russian why it cannot act."""
    data: dict[str, Any] | None = unsign(token, secret=secret, purpose=PURPOSE)
    if data is None:
        raise LinkRefused(
            "Ссылка повреждена или не выдана srok. Войдите в srok и откройте аккаунт."
        )
    try:
        link = ActionLink(
            step_id=int(data["s"]),
            action=str(data["a"]),
            nonce=str(data["n"]),
            reminder_id=int(data["r"]),
            expires=date.fromisoformat(str(data["e"])),
        )
    except (KeyError, ValueError, TypeError):
        raise LinkRefused("Ссылка повреждена. Войдите в srok и откройте аккаунт.") from None
    if today > link.expires:
        raise LinkRefused(
            f"Срок действия ссылки истёк {ru(link.expires)}. Войдите в srok и откройте аккаунт."
        )
    if session.get(ActionLinkUse, link.nonce) is not None:
        raise LinkRefused("Эта ссылка уже использована: повторно она не действует.")
    step = session.get(Step, link.step_id)
    if step is None or ACTIONS.get(step.clause) != link.action:
        raise LinkRefused("Ссылка не относится ни к одному шагу srok.")
    if step.done_on is not None:
        raise LinkRefused(f"Этот шаг уже выполнен {ru(step.done_on)}: делать ничего не нужно.")
    return link, step


def actor_for(session: Session, link: ActionLink) -> str:
    """Name who acted: the reminder's specialists by id (their names stay in the registry)."""
    reminder = session.get(Reminder, link.reminder_id)
    ids = json.loads(reminder.specialist_ids) if reminder else []
    who = ", ".join(f"специалист № {i}" for i in ids) or "орган"
    return f"{who} по ссылке из напоминания"


def spend(session: Session, link: ActionLink) -> None:
    """Mark the link used, in the transaction that acts.

    The nonce is the primary key, so of two uses racing past ``read`` one fails
    on commit and its whole transaction rolls back.
    """
    session.add(ActionLinkUse(nonce=link.nonce, step_id=link.step_id, action=link.action))
    session.flush()


def account_of(step: Step) -> int:
    """Return the account a linked step is about; links are issued for accounts' steps only."""
    if step.account_id is None:
        raise LinkRefused("Ссылка не относится к аккаунту. Войдите в srok.")
    return step.account_id
