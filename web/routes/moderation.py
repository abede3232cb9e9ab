"""The moderation queue of an organ (п. 2.5): flagged comments oldest first, and the decisions.

The role and organ checks are web.access's, as on every route: a specialist
reaches their own organ's queue only. The comment as written is shown to the
account's moderators (the organ's specialists and the IT department, the
administrator with it); the deputy head reads the queue with personal data
masked and decides nothing. /api/v1 has the same, with the same functions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from domain.errors import RuleViolation
from domain.moderation import DECISIONS, MANUAL_CATEGORIES
from services.moderation_page import moderation_view, organs_waiting
from services.users import Viewer
from web.access import context, guarded, viewer
from web.moderation_actions import decision_from, filing_from
from web.render import page
from web.submit import submit, submit_json

MODERATORS = ("specialist", "it", "admin")
router = guarded(*MODERATORS, "head")
writer = guarded(*MODERATORS)
api_reader = guarded(*MODERATORS, "head", api=True, prefix="/api/v1")
api_writer = guarded(*MODERATORS, api=True, prefix="/api/v1")
ROUTERS = (router, writer, api_reader, api_writer)
Who = Annotated[Viewer, Depends(viewer)]


def _now() -> datetime:
    return datetime.now(UTC)


def moderates(who: Viewer) -> bool:
    """Tell whether the reader sees comments unmasked: the organ's specialists and IT only.

    A specialist who reached an organ's route is of that organ (web.access checked).
    """
    return who.role in MODERATORS


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]


def _page(
    request: Request, who: Viewer, organ_id: int, status: int = 200, **extra: Any
) -> Response:
    ctx = context(request)
    with ctx.srok.transaction() as session:
        view = moderation_view(
            session=session,
            calendar=ctx.srok.calendar,
            organ_id=organ_id,
            now=_now(),
            unmasked=moderates(who),
        )
    return page(
        request,
        "moderation.html",
        status,
        view=view,
        may_act=moderates(who),
        decisions=DECISIONS,
        categories=MANUAL_CATEGORIES,
        done=request.query_params.get("done"),
        **extra,
    )


@router.get("/moderation", response_class=HTMLResponse)
def moderation_home(request: Request, who: Who) -> Response:
    """A specialist goes to their organ's queue; the others choose an organ."""
    if who.role == "specialist" and who.organ_id:
        return RedirectResponse(f"/moderation/organs/{who.organ_id}", status_code=303)
    with context(request).srok.transaction() as session:
        rows = organs_waiting(session=session)
    return page(request, "moderation_organs.html", rows=rows)


@router.get("/moderation/organs/{organ_id}", response_class=HTMLResponse)
def moderation_queue(request: Request, organ_id: int, who: Who) -> Response:
    return _page(request, who, organ_id)


def _on_error(request: Request, who: Viewer, organ_id: int, comment_id: int, form: Form) -> Any:
    def show(error: RuleViolation) -> Response:
        if error.field == "comment_id":  # the address names no comment of the organ: 404
            raise error
        # Each comment has its own form: the field is marked in the one that was sent.
        field = f"{error.field}-{comment_id}"
        return _page(
            request,
            who,
            organ_id,
            422,
            error=error,
            values=form,
            error_field=field,
            sent=comment_id,
        )

    return show


@writer.post("/moderation/organs/{organ_id}/comments/{comment_id}/decision")
def decision(request: Request, organ_id: int, comment_id: int, who: Who, form: Form) -> Response:
    """Record the decision: «удалён», «оставлен» (with the reason), «пользователь ограничен»."""

    def act(session: Session) -> str:
        decision_from(
            form, session=session, who=who, organ_id=organ_id, comment_id=comment_id, now=_now()
        )
        return f"/moderation/organs/{organ_id}?done={comment_id}"

    return submit(request, form, who, act, _on_error(request, who, organ_id, comment_id, form))


@writer.post("/moderation/organs/{organ_id}/comments/{comment_id}/filing")
def filing(request: Request, organ_id: int, comment_id: int, who: Who, form: Form) -> Response:
    """File the comment under a category no program judges; it enters the queue."""

    def act(session: Session) -> str:
        filing_from(
            form, session=session, who=who, organ_id=organ_id, comment_id=comment_id, now=_now()
        )
        return f"/moderation/organs/{organ_id}?filed={comment_id}"

    return submit(request, form, who, act, _on_error(request, who, organ_id, comment_id, form))


class DecisionIn(BaseModel):
    decision: str = Field(examples=["kept"], description="removed, kept or user_restricted")
    reason: str | None = Field(None, description="why it is kept (required for kept)")
    rule: str | None = Field(None, description="the network's rule (required for user_restricted)")


class FilingIn(BaseModel):
    category: str = Field(
        examples=["offtopic"], description="conflict, defamation, unverified, offtopic"
    )
    note: str | None = None


def _view(request: Request, session: Session, who: Viewer, organ_id: int) -> dict[str, Any]:
    ctx = context(request)
    return moderation_view(
        session=session,
        calendar=ctx.srok.calendar,
        organ_id=organ_id,
        now=_now(),
        unmasked=moderates(who),
    ).as_dict()


@api_reader.get("/organs/{organ_id}/moderation")
def api_queue(request: Request, organ_id: int, who: Who) -> dict[str, Any]:
    """The organ's flagged comments, oldest first, with the working time each has waited.

    ``text`` is as written for the account's moderators, masked for anyone else.
    """
    with context(request).srok.transaction() as session:
        return _view(request, session, who, organ_id)


@api_writer.post("/organs/{organ_id}/comments/{comment_id}/decision")
def api_decision(
    request: Request, organ_id: int, comment_id: int, body: DecisionIn, who: Who
) -> Response:
    """Record a decision on a flagged comment (п. 2.5); in the audit trail."""

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        c = decision_from(
            body.model_dump(),
            session=session,
            who=who,
            organ_id=organ_id,
            comment_id=comment_id,
            now=_now(),
        )
        return f"/api/v1/organs/{organ_id}/moderation", {
            "id": c.id,
            "state": c.state,
            "decided_at": c.decided_at,
            "reason": c.decision_reason,
            "rule": c.network_rule,
        }

    return submit_json(request, who, act)


@api_writer.post("/organs/{organ_id}/comments/{comment_id}/filing")
def api_filing(
    request: Request, organ_id: int, comment_id: int, body: FilingIn, who: Who
) -> Response:
    """File a comment by hand under a category no program judges; it enters the queue."""

    def act(session: Session) -> tuple[str, dict[str, Any]]:
        c = filing_from(
            body.model_dump(),
            session=session,
            who=who,
            organ_id=organ_id,
            comment_id=comment_id,
            now=_now(),
        )
        return f"/api/v1/organs/{organ_id}/moderation", {"id": c.id, "state": c.state}

    return submit_json(request, who, act)
