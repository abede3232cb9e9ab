"""The findings of the standing rules (п. 2.1, 2.4, 1.6, 3.1, 1.2) and their /api/v1 twin.

The IT department sees the whole city (or one organ, ``?organ=``); a
specialist sees their own organ only, whatever the address asks. An account
nobody notified (п. 3.1) is registered by filing its п. 3.1 notice (the form
comes filled in), or marked by the IT department as not the organ's; the IT
department records here the accounts a resolution requires (п. 1.2).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from domain.errors import RuleViolation
from domain.networks import NETWORKS
from services.protection import protection_days
from services.standing_findings import StandingFindings, standing_findings
from services.users import Viewer
from web.access import OFFICE, context, guarded, viewer
from web.actions import dismiss_unnotified_from, required_from
from web.forms import Id, IdQuery
from web.render import page
from web.submit import submit, submit_json

router = guarded("specialist", "it", "admin")
office = guarded(*OFFICE)
api = guarded("specialist", "it", "admin", api=True, prefix="/api/v1")
api_office = guarded(*OFFICE, api=True, prefix="/api/v1")
Who = Annotated[Viewer, Depends(viewer)]


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]


class DismissIn(BaseModel):
    reason: str


class RequiredIn(BaseModel):
    """A required account (п. 1.2): what the resolution orders, and by when."""

    organ: Id
    network: str = Field(examples=["ok"])
    resolution: str = Field(examples=["1520"])
    resolution_date: str = Field(examples=["2026-10-12"])
    due: str = Field(examples=["2026-11-30"])


def _findings(request: Request, who: Viewer, organ: int | None) -> StandingFindings:
    ctx = context(request)
    organ_id = who.organ_id if who.role == "specialist" else organ
    with ctx.srok.transaction() as session:
        return standing_findings(
            session=session,
            calendar=ctx.srok.calendar,
            today=ctx.srok.today(),
            working_days=protection_days(),
            organ_id=organ_id,
        )


def _page(
    request: Request, who: Viewer, organ: int | None, status: int = 200, **extra: Any
) -> Response:
    from services.accounts import list_organs

    found = _findings(request, who, organ)
    with context(request).srok.transaction() as session:
        organs = list_organs(session) if who.role != "specialist" else []
    return page(
        request,
        "findings.html",
        status,
        f=found,
        organs=organs,
        networks=NETWORKS,
        **extra,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, who: Who, organ: IdQuery = None, done: str = "", recorded: str = ""
) -> Response:
    """What the standing rules found: short weeks, descriptions, protection, п. 3.1, п. 1.2."""
    return _page(request, who, organ, done=done, recorded=recorded)


@office.post("/findings/unnotified/{finding_id}/dismiss")
def dismiss(request: Request, finding_id: int, who: Who, form: Form) -> Response:
    """Mark an account found on an organ's page as not the organ's (п. 3.1), with the reason."""
    ctx = context(request)

    def act(session: Session) -> str:
        dismiss_unnotified_from(
            form, session=session, srok=ctx.srok, who=who, finding_id=finding_id
        )
        return f"/findings?done={finding_id}#unnotified"

    def again(error: RuleViolation) -> Response:
        return _page(request, who, None, 422, error=error, values=form, failed=finding_id)

    return submit(request, form, who, act, again)


@office.post("/findings/required")
def add_required_account(request: Request, who: Who, form: Form) -> Response:
    """Record an account a resolution requires (п. 1.2); it is listed until the organ creates it."""
    ctx = context(request)

    def act(session: Session) -> str:
        row = required_from(form, session=session, srok=ctx.srok, who=who)
        return f"/findings?recorded={row.id}#required"

    def again(error: RuleViolation) -> Response:
        return _page(request, who, None, 422, error=error, values=form, failed="required")

    return submit(request, form, who, act, again)


@api.get("/findings")
def findings_json(request: Request, who: Who, organ: IdQuery = None) -> dict[str, Any]:
    """The findings page as JSON: five lists, each with its rows and total."""
    return _findings(request, who, organ).as_dict()


@api_office.post("/unnotified/{finding_id}/dismiss")
def dismiss_json(request: Request, finding_id: int, who: Who, body: DismissIn) -> Response:
    """Mark an account nobody notified as not the organ's (п. 3.1): the form's twin."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, Any]:
        row = dismiss_unnotified_from(
            body.model_dump(), session=session, srok=ctx.srok, who=who, finding_id=finding_id
        )
        answer = {"id": row.id, "url": row.url, "outcome": row.outcome, "reason": row.reason}
        return f"/api/v1/findings#{row.id}", answer

    return submit_json(request, who, act)


@api_office.post("/required", status_code=201)
def add_required_json(request: Request, who: Who, body: RequiredIn) -> Response:
    """Record a required account (п. 1.2): the form's twin."""
    ctx = context(request)

    def act(session: Session) -> tuple[str, Any]:
        row = required_from(
            {k: str(v) for k, v in body.model_dump().items()},
            session=session,
            srok=ctx.srok,
            who=who,
        )
        answer = {
            "id": row.id,
            "organ_id": row.organ_id,
            "network": row.network,
            "due": row.due.isoformat(),
            "account_id": row.account_id,
        }
        return f"/api/v1/findings#required-{row.id}", answer

    return submit_json(request, who, act, status=201)
