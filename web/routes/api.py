"""The JSON API (/api/v1): the forms' twins, with the same checks, for scripts with a token.

Authenticate with ``Authorization: Bearer <token>`` (``srok token create --user L``).
Bad input answers 422 with ``{"error": {"field", "clause", "message"}}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from domain.quarter import Quarter
from services.accounts import grant_access, revoke_access
from services.events import record_registry_entry
from services.figures import quarter_report
from services.links import report_link
from services.notices import notice_content
from services.status import registry_queue, step_views
from services.users import Viewer
from web.access import OFFICE, context, guarded, viewer
from web.forms import day, file_change_from, file_creation_from, flatten, required, text

router = guarded("specialist", "it", "admin", api=True, prefix="/api/v1")
office = guarded(*OFFICE, api=True, prefix="/api/v1")
figures = guarded("head", "it", "admin", api=True, prefix="/api/v1")
Who = Annotated[Viewer, Depends(viewer)]


class SpecialistIn(BaseModel):
    full_name: str
    position: str
    phone: str
    email: str


class NoticeIn(BaseModel):
    """A п. 3.1 notice: the account and everything п. 3.1 lists."""

    network: str = Field(examples=["vk"])
    url: str = Field(examples=["https://vk.com/kultura_nvl"])
    created_on: str = Field(examples=["2026-11-30"])
    specialists: list[SpecialistIn]
    access: list[str] = []
    organ: int | None = Field(None, description="the organ (the IT department only)")


class ChangeIn(BaseModel):
    """A п. 3.2 change: a new address, other specialists or their new contacts."""

    changed_on: str
    url: str | None = None
    specialists: list[SpecialistIn]


class LinkIn(BaseModel):
    page: str = Field(examples=["https://novoaltaysk.ru/kultura"])


class AccessIn(BaseModel):
    person: str
    on: str | None = None
    do: str = Field("grant", pattern="^(grant|revoke)$")


def _body(model: BaseModel) -> dict[str, Any]:
    return flatten(model.model_dump())


def _account(session: Session, request: Request, account_id: int) -> dict[str, Any]:
    ctx = context(request)
    data = notice_content(session, account_id)
    data["steps"] = [
        v.as_dict()
        for v in step_views(
            session=session,
            calendar=ctx.srok.calendar,
            as_of=ctx.srok.today(),
            account_id=account_id,
        )
    ]
    return data


@router.get("/accounts/{account_id}")
def account(request: Request, account_id: int) -> dict[str, Any]:
    """An account: details, specialists, people with access, every step with its due date."""
    with context(request).srok.transaction() as session:
        return _account(session, request, account_id)


@router.post("/notices", status_code=201)
def notice(request: Request, body: NoticeIn, who: Who) -> dict[str, Any]:
    """File a п. 3.1 notice (creates the account if new; sent and received now)."""
    ctx = context(request)
    form = _body(body)
    with ctx.srok.transaction(actor=who.actor) as session:
        created = file_creation_from(form, session=session, srok=ctx.srok, who=who)
        return _account(session, request, created)


@router.post("/accounts/{account_id}/changes")
def change(request: Request, account_id: int, body: ChangeIn, who: Who) -> dict[str, Any]:
    ctx = context(request)
    form = _body(body)
    with ctx.srok.transaction(actor=who.actor) as session:
        file_change_from(form, session=session, srok=ctx.srok, who=who, account_id=account_id)
        return _account(session, request, account_id)


@router.post("/accounts/{account_id}/link")
def link(request: Request, account_id: int, body: LinkIn, who: Who) -> dict[str, Any]:
    """Report the link on the city site (п. 1.4); the page is checked at once."""
    ctx = context(request)
    fetcher = ctx.fetcher_factory()
    try:
        with ctx.srok.transaction(actor=who.actor) as session:
            verdict = report_link(
                session=session,
                fetcher=fetcher,
                account_id=account_id,
                page=required(_body(body), "page", "адрес страницы", "1.4"),
                actor=who.actor,
                today=ctx.srok.today(),
            )
    finally:
        close = getattr(fetcher, "close", None)
        if close:
            close()
    return {"found": verdict.found, "detail": verdict.detail, "closed_steps": verdict.closed_steps}


@router.post("/accounts/{account_id}/access")
def access(request: Request, account_id: int, body: AccessIn, who: Who) -> dict[str, Any]:
    """Grant or revoke a person's access (п. 1.6)."""
    ctx = context(request)
    form = _body(body)
    today = ctx.srok.today()
    with ctx.srok.transaction(actor=who.actor) as session:
        change = grant_access if body.do == "grant" else revoke_access
        change(
            session=session,
            account_id=account_id,
            person=required(form, "person", "ФИО", "1.6"),
            on=day(form, "on", "дата", "1.6") if text(form, "on") else today,
            actor=who.actor,
            today=today,
        )
        return _account(session, request, account_id)


@office.get("/queue")
def queue(request: Request) -> list[dict[str, Any]]:
    """Notices received and not yet entered (п. 3.4), most urgent first."""
    ctx = context(request)
    with ctx.srok.transaction() as session:
        rows = registry_queue(session=session, calendar=ctx.srok.calendar, as_of=ctx.srok.today())
    return [r.as_dict() for r in rows]


@office.post("/accounts/{account_id}/registry-entry")
def registry_entry(request: Request, account_id: int, who: Who) -> dict[str, Any]:
    """«Внесено в Реестр» today (п. 3.4)."""
    ctx = context(request)
    with ctx.srok.transaction(actor=who.actor) as session:
        record_registry_entry(
            session=session,
            calendar=ctx.srok.calendar,
            account_id=account_id,
            on=ctx.srok.today(),
            rule=ctx.srok.settings.publication_rule,
            actor=who.actor,
            today=ctx.srok.today(),
        )
        return _account(session, request, account_id)


@figures.get("/figures")
def figures_json(request: Request, quarter: str | None = None) -> dict[str, Any]:
    """The quarter's compliance figures (п. 4)."""
    from domain.errors import RuleViolation

    ctx = context(request)
    try:
        q = Quarter.parse(quarter) if quarter else Quarter.of(ctx.srok.today())
    except ValueError as exc:
        raise RuleViolation("quarter", str(exc), "4") from None
    with ctx.srok.transaction() as session:
        return quarter_report(
            session=session, calendar=ctx.srok.calendar, quarter=q, as_of=ctx.srok.today()
        ).as_dict()
