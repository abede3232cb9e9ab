"""The JSON API (/api/v1), an organ's side: the forms' twins, with the same checks.

The IT department's and the deputy head's endpoints are in web/routes/api_office.py.

Authenticate with ``Authorization: Bearer <token>`` (``srok token create --user L``).
Bad input answers 422 with ``{"error": {"field", "clause", "message"}}``; every
write is one transaction, and one sent again with the same ``Idempotency-Key``
header records nothing the second time (web.submit.submit_json).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from services.notices import notice_content
from services.status import step_views
from services.users import Viewer
from web.access import context, guarded, viewer
from web.actions import access_from, link_from
from web.forms import Id, file_change_from, file_creation_from, flatten
from web.submit import submit_json

router = guarded("specialist", "it", "admin", api=True, prefix="/api/v1")
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
    organ: Id | None = Field(None, description="the organ (the IT department only)")


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
def notice(request: Request, body: NoticeIn, who: Who) -> Response:
    """File a п. 3.1 notice (creates the account if new; sent and received now)."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        created = file_creation_from(_body(body), session=session, srok=ctx.srok, who=who)
        return f"/api/v1/accounts/{created}", _account(session, request, created)

    return submit_json(request, who, act, status=201)


@router.post("/accounts/{account_id}/changes")
def change(request: Request, account_id: int, body: ChangeIn, who: Who) -> Response:
    """File a п. 3.2 change: a new address, other specialists or their new contacts."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        file_change_from(
            _body(body), session=session, srok=ctx.srok, who=who, account_id=account_id
        )
        return f"/api/v1/accounts/{account_id}", _account(session, request, account_id)

    return submit_json(request, who, act)


@router.post("/accounts/{account_id}/link")
def link(request: Request, account_id: int, body: LinkIn, who: Who) -> Response:
    """Report the link on the city site (п. 1.4); the page is checked at once.

    Found: the step closes with the evidence. Not found: the look is kept, the
    step stays open, and ``detail`` says why.
    """
    ctx = context(request)
    with ctx.fetcher() as fetcher:

        def act(session: Session) -> tuple[str, dict[str, Any]]:
            verdict = link_from(
                _body(body),
                session=session,
                srok=ctx.srok,
                who=who,
                fetcher=fetcher,
                account_id=account_id,
            )
            return f"/api/v1/accounts/{account_id}", {
                "found": verdict.found,
                "detail": verdict.detail,
                "closed_steps": verdict.closed_steps,
            }

        return submit_json(request, who, act)


@router.post("/accounts/{account_id}/access")
def access(request: Request, account_id: int, body: AccessIn, who: Who) -> Response:
    """Grant or revoke a person's access (п. 1.6: at most three at a time)."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        access_from(_body(body), session=session, srok=ctx.srok, who=who, account_id=account_id)
        return f"/api/v1/accounts/{account_id}", _account(session, request, account_id)

    return submit_json(request, who, act)
