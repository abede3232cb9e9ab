"""Compose reminder letters from the database, a batch of reminders at a time.

The rows a letter needs (its step, account, organ and specialists) are read for
a whole batch in five queries, not four a letter. The specialists' addresses are
still read only at delivery, never stored with the reminder (п. 3.3 абзац 5).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.networks import NETWORKS
from domain.quarter import Quarter
from domain.reminders import Audience, ReminderKind, audience
from models.tables import Account, Organ, Reminder, Specialist, Step
from notifications.base import OutgoingMessage
from notifications.templates import ReminderContent, render
from services import action_links
from services.required import required_network


@dataclass(frozen=True)
class ItContact:
    """The IT department as letters name it: whom to ask, and where a reply goes."""

    email: str
    phone: str = ""

    def words(self) -> str:
        return self.email + (f", тел. {self.phone}" if self.phone else "")


@dataclass(frozen=True)
class WebLinks:
    """Where letters send people: the web app's address, and the secret that signs links."""

    base_url: str
    secret: bytes
    calendar: WorkingCalendar

    def for_step(self, step: Step, reminder: Reminder) -> tuple[str | None, str]:
        """Return the one-click link (organs' steps only) and the step's page in the app."""
        token = action_links.issue(
            secret=self.secret,
            calendar=self.calendar,
            step_id=step.id or 0,
            clause=step.clause,
            reminder_id=reminder.id or 0,
            reminder_key=reminder.key,
            on=reminder.on_date,
        )
        page = {"3.4": "/it/queue", "3.5": "/it/publication", "2.5": "/moderation"}.get(
            step.clause, f"/accounts/{step.account_id}" if step.account_id else "/accounts"
        )
        action = f"{self.base_url}/act/{token}" if token else None
        return action, f"{self.base_url}{page}"


@dataclass(frozen=True)
class LetterBatch:
    """The rows behind a batch of reminders' letters, read together."""

    reminders: dict[int, Reminder]
    steps: dict[int, Step]
    accounts: dict[int, Account]
    organs: dict[int, Organ]
    emails: dict[int, str]  # specialist id -> address
    required_networks: dict[int, str]  # step id -> network, for accounts still to create

    @classmethod
    def load(cls, session: Session, reminder_ids: Iterable[int]) -> LetterBatch:
        reminders = {
            r.id or 0: r
            for r in session.exec(select(Reminder).where(col(Reminder.id).in_(list(reminder_ids))))
        }
        steps = _by_id(session, Step, {r.step_id for r in reminders.values()})
        accounts = _by_id(
            session, Account, {r.account_id for r in reminders.values() if r.account_id}
        )
        # A required account (п. 1.2) does not exist yet: its step names the organ.
        organ_ids = {a.organ_id for a in accounts.values()}
        organ_ids |= {s.organ_id for s in steps.values() if s.account_id is None and s.organ_id}
        organs = _by_id(session, Organ, organ_ids)
        networks = {
            s.id or 0: required_network(session, s) for s in steps.values() if s.account_id is None
        }
        wanted = {i for r in reminders.values() for i in json.loads(r.specialist_ids)}
        emails = {
            i: e
            for i, e in session.exec(
                select(Specialist.id, Specialist.email).where(col(Specialist.id).in_(wanted))
            )
            if i is not None
        }
        return cls(reminders, steps, accounts, organs, emails, networks)

    def compose(
        self,
        reminder_id: int,
        *,
        sender: str,
        links: WebLinks | None = None,
        it_contact: ItContact | None = None,
    ) -> OutgoingMessage:
        """Compose one reminder; ValueError (or a KeyError) when it cannot be written."""
        reminder = self.reminders[reminder_id]
        step = self.steps[reminder.step_id]
        account = self.accounts[reminder.account_id] if reminder.account_id else None
        organ = self.organs[account.organ_id if account else step.organ_id or 0]
        people = [self.emails[i] for i in json.loads(reminder.specialist_ids) if i in self.emails]
        to = tuple(sorted(set(people) | set(json.loads(reminder.mailboxes))))
        cc = tuple(m for m in json.loads(reminder.cc_mailboxes) if m not in to)
        copies = tuple(_copy_words(m, organ, step.clause) for m in cc)
        action_url, page_url = links.for_step(step, reminder) if links else (None, None)
        content = ReminderContent(
            action_url=action_url,
            page_url=page_url,
            it_contact=it_contact.words() if it_contact else "",
            key=reminder.key,
            kind=ReminderKind(reminder.kind),
            clause=step.clause,
            due=reminder.due,
            explanation=step.explanation or "",
            provisional=step.provisional,
            working_days_left=reminder.working_days_left,
            working_days_late=reminder.working_days_late,
            account_id=account.id if account else None,
            organ=organ.name,
            network=NETWORKS[
                account.network if account else self.required_networks[step.id or 0]
            ].russian,
            url=account.url if account else "",
            copies=copies,
            quarter=str(Quarter.of(step.counted_from))
            if step.clause == "3.5" and step.counted_from
            else None,
        )
        subject, text, html = render(content)
        message = OutgoingMessage(
            key=reminder.key,
            sender=sender,
            to=to,
            cc=cc,
            subject=subject,
            text=text,
            html=html,
            reply_to=it_contact.email if it_contact else None,
        )
        message.check()  # one mailbox each (no line break, list or second @): fails here, alone
        return message


_Row = TypeVar("_Row", Step, Account, Organ)


def _by_id(session: Session, model: type[_Row], ids: set[int]) -> dict[int, _Row]:
    if not ids:
        return {}
    return {row.id or 0: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}


def _copy_words(mailbox: str, organ: Organ, clause: str) -> str:
    """Say whom an escalation's copy goes to, without naming the address."""
    if audience(clause) is Audience.IT:
        return "руководителю, курирующему отдел информатизации"
    if mailbox == organ.head_email:
        return "руководителю органа"
    if mailbox == organ.email:
        return "в орган"
    return "в отдел информатизации"
