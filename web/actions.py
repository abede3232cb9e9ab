"""The IT department's writes, read from a form or a JSON body and done once for both doors.

web/forms.py parses the specialists' notices; this module does the same for
what the IT department and the administrator send (the registry entry, organs,
specialists, users, publication, link checks, reminders), so the HTML form and
its /api/v1 twin call one function with one parse and one service call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.deadlines import Deadline, quarter_publication_deadline
from domain.errors import RuleViolation
from domain.quarter import Quarter
from services.accounts import add_organ, add_specialist, grant_access, revoke_access
from services.app import Srok
from services.events import record_registry_entry
from services.links import Fetcher, LinkReport, LinkVerdict, check_links, report_link, set_site_page
from services.publish import PublishResult, publish
from services.recovery import requeue_failed
from services.registry import PublicEntry, public_registry
from services.users import Viewer, add_user
from web.forms import day, number, required, text


def enter_into_registry(*, session: Session, srok: Srok, who: Viewer, account_id: int) -> None:
    """«Внесено в Реестр» today (п. 3.4): the п. 3.5 term starts."""
    record_registry_entry(
        session=session,
        calendar=srok.calendar,
        account_id=account_id,
        on=srok.today(),
        rule=srok.settings.publication_rule,
        actor=who.actor,
        today=srok.today(),
    )


def organ_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer
) -> Any:  # models.tables.Organ
    """Register an organ (and its page on the city site, п. 1.4, if given)."""
    organ = add_organ(
        session=session,
        name=text(form, "name"),
        email=text(form, "email") or None,
        phone=text(form, "phone") or None,
        address=text(form, "address") or None,
        head_email=text(form, "head_email") or None,
        actor=who.actor,
        today=srok.today(),
    )
    if text(form, "site_page"):
        organ = set_site_page(
            session=session,
            organ_id=organ.id or 0,
            page=text(form, "site_page"),
            actor=who.actor,
            today=srok.today(),
        )
    return organ


def specialist_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer
) -> Any:  # models.tables.Specialist
    """Register a responsible specialist of an organ (п. 3.1: name, position, phone, email)."""
    return add_specialist(
        session=session,
        organ_id=number(form, "organ", "орган"),
        name=text(form, "name"),
        position=text(form, "position"),
        phone=text(form, "phone"),
        email=text(form, "email"),
        actor=who.actor,
        today=srok.today(),
    )


def user_from(
    form: Mapping[str, Any], *, session: Session, who: Viewer
) -> Any:  # models.tables.WebUser
    """Add a local user of the web app (the administrator only)."""
    return add_user(
        session=session,
        login=text(form, "login"),
        role=text(form, "role"),
        password=str(form.get("password") or "") or None,
        organ_id=number(form, "organ", "орган") if text(form, "organ") else None,
        specialist_id=number(form, "specialist", "специалист")
        if text(form, "specialist")
        else None,
        actor=who.actor,
    )


def access_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer, account_id: int
) -> None:
    """Grant or revoke a person's access (п. 1.6: at most three at a time)."""
    today = srok.today()
    person = required(form, "person", "ФИО", "1.6")
    on = day(form, "on", "дата", "1.6") if text(form, "on") else today
    change = revoke_access if text(form, "do") == "revoke" else grant_access
    change(
        session=session, account_id=account_id, person=person, on=on, actor=who.actor, today=today
    )


def link_from(
    form: Mapping[str, Any],
    *,
    session: Session,
    srok: Srok,
    who: Viewer,
    fetcher: Fetcher,
    account_id: int,
) -> LinkVerdict:
    """Report the link on the city site (п. 1.4): the page is looked at at once."""
    return report_link(
        session=session,
        fetcher=fetcher,
        account_id=account_id,
        page=required(form, "page", "адрес страницы", "1.4"),
        actor=who.actor,
        today=srok.today(),
    )


def run_link_checks(*, session: Session, srok: Srok, who: Viewer, fetcher: Fetcher) -> LinkReport:
    """Look at every organ's page now for the links still missing (п. 1.4)."""
    return check_links(session=session, fetcher=fetcher, actor=who.actor, today=srok.today())


def retry_reminders(session: Session) -> list[int]:
    """Put failed and unknown reminders back in the queue (delivered after the commit)."""
    return requeue_failed(session)


@dataclass
class Publication:
    """What a quarter's publication (п. 3.5) will show, and by when it is due."""

    quarter: Quarter
    deadline: Deadline
    rows: list[PublicEntry]
    today: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarter": str(self.quarter),
            "due": self.deadline.due.isoformat(),
            "explanation": self.deadline.explanation,
            "today": self.today.isoformat(),
            "rows": [r.as_dict() for r in self.rows],
        }


def publication_view(*, session: Session, srok: Srok, quarter: str | None) -> Publication:
    """The quarter asked for, or the last one while its п. 3.5 term runs, else the current."""
    today = srok.today()
    try:
        q = Quarter.parse(quarter) if quarter else Quarter.of(today).previous()
    except ValueError as exc:
        raise RuleViolation("quarter", str(exc), "3.5") from None
    rule = srok.settings.publication_rule
    deadline = quarter_publication_deadline(srok.calendar, q, rule=rule)
    if quarter is None and today > deadline.due:  # the last quarter's is past: the current one
        q = Quarter.of(today)
        deadline = quarter_publication_deadline(srok.calendar, q, rule=rule)
    return Publication(q, deadline, public_registry(session, on=today), today)


def publish_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer
) -> PublishResult:
    """Publish the quarter today: the files, the record, the п. 3.5 steps closed.

    The files are moved into place by ``services.publish.finish`` after the commit.
    """
    return publish(
        session=session,
        calendar=srok.calendar,
        quarter_text=required(form, "quarter", "квартал", "3.5"),
        on=srok.today(),
        out=srok.settings.home / "public",
        rule=srok.settings.publication_rule,
        actor=who.actor,
        today=srok.today(),
    )


def dismiss_unnotified_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer, finding_id: int
) -> Any:  # models.tables.UnnotifiedAccount
    """Mark an account found on an organ's page as not the organ's, with the reason (п. 3.1)."""
    from domain.errors import NotFound
    from services.unnotified import dismiss_finding

    try:
        return dismiss_finding(
            session=session,
            finding_id=finding_id,
            reason=required(form, "reason", "причина", "3.1"),
            today=srok.today(),
            actor=who.actor,
        )
    except NotFound:  # the address names it: 404, as for any id in a path
        raise NotFound("finding_id", f"находки {finding_id} нет", "3.1") from None


def required_from(
    form: Mapping[str, Any], *, session: Session, srok: Srok, who: Viewer
) -> Any:  # models.tables.RequiredAccount
    """Record an account a resolution requires an organ to create (п. 1.2), with its step."""
    from services.required import add_required

    return add_required(
        session=session,
        organ_id=number(form, "organ", "орган", "1.2"),
        network=required(form, "network", "сеть", "1.2"),
        resolution_number=required(form, "resolution", "номер постановления", "1.2"),
        resolution_date=day(form, "resolution_date", "дата постановления", "1.2"),
        due=day(form, "due", "срок создания", "1.2"),
        actor=who.actor,
        today=srok.today(),
    )
