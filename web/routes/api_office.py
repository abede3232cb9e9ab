"""The JSON API (/api/v1) of the IT department, the administrator and the deputy head.

The twins of the /it pages and of /figures: the queue and «внесено в Реестр»
(п. 3.4), organs, specialists, users, publication (п. 3.5), link checks (п. 1.4),
reminders, the figures. Each write calls the function its form calls
(web/actions.py), in one transaction (web.submit.submit_json).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from domain.errors import RuleViolation
from domain.quarter import Quarter
from services.accounts import list_organs, list_specialists
from services.figures import quarter_figures
from services.links import recent_checks
from services.outbox import list_reminders
from services.publish import finish, preview
from services.status import registry_queue
from services.sweep import deliver_queued
from services.users import Viewer, list_users
from web.access import OFFICE, context, guarded, viewer
from web.actions import (
    enter_into_registry,
    organ_from,
    publication_view,
    publish_from,
    retry_reminders,
    run_link_checks,
    specialist_from,
    user_from,
)
from web.figures_page import json_body
from web.forms import Id, IdQuery
from web.submit import submit_json

office = guarded(*OFFICE, api=True, prefix="/api/v1")
admin = guarded("admin", api=True, prefix="/api/v1")
figures = guarded("head", "it", "admin", api=True, prefix="/api/v1")
Who = Annotated[Viewer, Depends(viewer)]


class OrganIn(BaseModel):
    name: str = Field(examples=["Комитет по культуре"])
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    head_email: str | None = None
    site_page: str | None = Field(None, description="the organ's page on the city site (п. 1.4)")


class SpecialistIn(BaseModel):
    organ: Id
    name: str
    position: str
    phone: str
    email: str


class UserIn(BaseModel):
    login: str
    role: str = Field(examples=["specialist"], description="specialist, it, head or admin")
    password: str | None = Field(None, description="a local user's password, 10+ characters")
    organ: Id | None = None
    specialist: Id | None = None


class PublishIn(BaseModel):
    quarter: str = Field(examples=["2026Q3"])


def _organ(o: Any) -> dict[str, Any]:
    return {
        "id": o.id,
        "name": o.name,
        "email": o.email,
        "phone": o.phone,
        "address": o.postal_address,
        "head_email": o.head_email,
        "site_page": o.site_page,
    }


def _specialist(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "organ_id": p.organ_id,
        "full_name": p.full_name,
        "position": p.position,
        "phone": p.phone,
        "email": p.email,
    }


def _user(u: Any) -> dict[str, Any]:  # never the password's hash
    return {
        "id": u.id,
        "login": u.login,
        "role": u.role,
        "organ_id": u.organ_id,
        "specialist_id": u.specialist_id,
        "source": u.source,
    }


@office.get("/queue")
def queue(request: Request) -> list[dict[str, Any]]:
    """Notices received and not yet entered (п. 3.4), most urgent first."""
    ctx = context(request)
    with ctx.srok.transaction() as session:
        rows = registry_queue(session=session, calendar=ctx.srok.calendar, as_of=ctx.srok.today())
    return [r.as_dict() for r in rows]


@office.post("/accounts/{account_id}/registry-entry")
def registry_entry(request: Request, account_id: int, who: Who) -> Response:
    """«Внесено в Реестр» today (п. 3.4); the п. 3.5 term starts."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        enter_into_registry(session=session, srok=ctx.srok, who=who, account_id=account_id)
        return f"/api/v1/accounts/{account_id}", {
            "account_id": account_id,
            "entered_on": ctx.srok.today(),
        }

    return submit_json(request, who, act)


@office.get("/organs")
def organs(request: Request) -> list[dict[str, Any]]:
    """The organs, each with its page on the city site."""
    with context(request).srok.transaction() as session:
        return [_organ(o) for o in list_organs(session)]


@office.post("/organs", status_code=201)
def organ_add(request: Request, body: OrganIn, who: Who) -> Response:
    """Register an organ (and its page on the city site, п. 1.4)."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        organ = organ_from(body.model_dump(), session=session, srok=ctx.srok, who=who)
        return f"/api/v1/organs/{organ.id}", _organ(organ)

    return submit_json(request, who, act, status=201)


@office.get("/specialists")
def specialists(request: Request, organ: IdQuery = None) -> list[dict[str, Any]]:
    """The responsible specialists (personal data: the IT department only, п. 3.3)."""
    with context(request).srok.transaction() as session:
        return [_specialist(p) for p in list_specialists(session, organ_id=organ)]


@office.post("/specialists", status_code=201)
def specialist_add(request: Request, body: SpecialistIn, who: Who) -> Response:
    """Register a responsible specialist of an organ."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        person = specialist_from(body.model_dump(), session=session, srok=ctx.srok, who=who)
        return f"/api/v1/specialists/{person.id}", _specialist(person)

    return submit_json(request, who, act, status=201)


@admin.get("/users")
def users(request: Request) -> list[dict[str, Any]]:
    """The web app's users (the administrator only)."""
    with context(request).srok.transaction() as session:
        return [_user(u) for u in list_users(session)]


@admin.post("/users", status_code=201)
def user_add(request: Request, body: UserIn, who: Who) -> Response:
    """Add a user (a local one with a password of at least 10 characters)."""

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        user = user_from(body.model_dump(), session=session, who=who)
        return f"/api/v1/users/{user.id}", _user(user)

    return submit_json(request, who, act, status=201)


@office.get("/publication")
def publication(request: Request, quarter: str | None = None) -> dict[str, Any]:
    """What will be published for the quarter (п. 3.5), the deadline, and the page itself."""
    ctx = context(request)
    with ctx.srok.transaction() as session:
        view = publication_view(session=session, srok=ctx.srok, quarter=quarter)
        files = preview(
            session=session,
            calendar=ctx.srok.calendar,
            quarter_text=str(view.quarter),
            on=view.today,
            rule=ctx.srok.settings.publication_rule,
        )
    return {**view.as_dict(), "files": sorted(files), "index_html": files["index.html"].decode()}


@office.post("/publication")
def publish_now(request: Request, body: PublishIn, who: Who) -> Response:
    """Publish the quarter today: the files, the record, the п. 3.5 steps closed."""
    ctx = context(request)
    results = []

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        results.append(publish_from(body.model_dump(), session=session, srok=ctx.srok, who=who))
        return f"/api/v1/publication?quarter={results[0].quarter}", results[0].as_dict()

    response = submit_json(request, who, act)
    if results:
        finish(ctx.srok.settings.home / "public", results[0])
    return response


@office.get("/link-checks")
def link_checks(request: Request) -> list[dict[str, Any]]:
    """The latest looks at the organs' pages for the links (п. 1.4), newest first."""
    with context(request).srok.transaction() as session:
        return [c.model_dump(mode="json") for c in recent_checks(session)]


@office.post("/link-checks")
def link_checks_run(request: Request, who: Who) -> Response:
    """Look at every organ's page now for the links still missing (п. 1.4)."""
    ctx = context(request)
    with ctx.fetcher() as fetcher:

        def act(session: Session) -> tuple[str, dict[str, Any]]:
            found = run_link_checks(session=session, srok=ctx.srok, who=who, fetcher=fetcher)
            return "/api/v1/link-checks", found.as_dict()

        return submit_json(request, who, act)


@office.get("/reminders")
def reminders(request: Request, state: str | None = None) -> list[dict[str, Any]]:
    """Reminders, optionally of one state (queued, sending, sent, failed, unknown)."""
    with context(request).srok.transaction() as session:
        return list_reminders(session, state=state or None)


@office.post("/reminders/retry")
def reminders_retry(request: Request, who: Who) -> Response:
    """Put failed and unknown reminders back in the queue, then deliver the queue now."""
    ctx = context(request)
    response = submit_json(
        request, who, lambda session: ("/api/v1/reminders", {"requeued": retry_reminders(session)})
    )
    deliver_queued(ctx.srok)  # as the form does: delivering the queue twice sends nothing twice
    return response


@figures.get("/figures")
def figures_json(request: Request, quarter: str | None = None) -> Response:
    """The quarter's compliance figures (п. 4), as the deputy head's page shows them."""
    ctx = context(request)
    try:
        q = Quarter.parse(quarter) if quarter else Quarter.of(ctx.srok.today())
    except ValueError as exc:
        raise RuleViolation("quarter", str(exc), "4") from None
    with ctx.srok.transaction() as session:
        found = quarter_figures(
            session=session, calendar=ctx.srok.calendar, quarter=q, as_of=ctx.srok.today()
        )
    return Response(json_body(found), media_type="application/json")
