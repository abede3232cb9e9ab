"""The IT department: the queue (п. 3.4), the Registry (п. 3.3), publication (п. 3.5),
link checks (п. 1.4), reminders, the audit trail, organs, specialists and users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from domain.errors import RuleViolation
from services import audit
from services.accounts import list_organs, list_specialists
from services.links import recent_checks
from services.outbox import STATES, list_reminders
from services.publish import finish, preview
from services.registry import internal_registry
from services.status import registry_queue, registry_queue_size
from services.sweep import deliver_queued
from services.users import ROLES, Viewer, list_users
from web.access import context, guarded, viewer
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
from web.forms import text
from web.render import page
from web.submit import submit

QUEUE_PAGE = 100  # the most urgent; the rest wait their turn (the page says how many)
router = guarded("it", "admin", prefix="/it")
admin_router = guarded("admin", prefix="/it")
Who = Annotated[Viewer, Depends(viewer)]


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, done: str = "") -> Response:
    """Notices received and not yet entered, with the п. 3.4 due date, most urgent first."""
    ctx = context(request)
    with ctx.srok.transaction() as session:
        rows = registry_queue(
            session=session, calendar=ctx.srok.calendar, as_of=ctx.srok.today(), limit=QUEUE_PAGE
        )
        total = registry_queue_size(session)
    return page(request, "queue.html", rows=rows, done=done, total=total)


@router.post("/queue/{account_id}/entered")
def entered(request: Request, account_id: int, who: Who, form: Form) -> Response:
    """«Внесено в Реестр» (п. 3.4), today; the п. 3.5 term starts."""
    ctx = context(request)

    def act(session: Session) -> str:
        enter_into_registry(session=session, srok=ctx.srok, who=who, account_id=account_id)
        return f"/it/queue?done={account_id}"

    return submit(request, form, who, act, lambda e: _queue_error(request, e))


def _queue_error(request: Request, error: RuleViolation) -> Response:
    ctx = context(request)
    with ctx.srok.transaction() as session:
        rows = registry_queue(
            session=session, calendar=ctx.srok.calendar, as_of=ctx.srok.today(), limit=QUEUE_PAGE
        )
        total = registry_queue_size(session)
    return page(request, "queue.html", 422, rows=rows, error=error, done="", total=total)


@router.get("/registry", response_class=HTMLResponse)
def registry(request: Request) -> Response:
    """The internal Registry (п. 3.3) with address history and the specialists' contacts."""
    with context(request).srok.transaction() as session:
        rows = internal_registry(session)
    return page(request, "registry.html", rows=rows)


def _publication_context(request: Request, quarter: str | None) -> dict[str, Any]:
    ctx = context(request)
    with ctx.srok.transaction() as session:
        view = publication_view(session=session, srok=ctx.srok, quarter=quarter)
    return {
        "quarter": view.quarter,
        "deadline": view.deadline,
        "rows": view.rows,
        "today": view.today,
    }


@router.get("/publication", response_class=HTMLResponse)
def publication(request: Request, quarter: str | None = None, done: str = "") -> Response:
    """What will be published for the quarter, and by when (п. 3.5)."""
    return page(request, "publication.html", done=done, **_publication_context(request, quarter))


@router.get("/publication/preview", response_class=HTMLResponse)
def publication_preview(request: Request, quarter: str | None = None) -> Response:
    """The page residents will see, exactly as it will be written (but the audit anchor)."""
    ctx = context(request)
    q = _publication_context(request, quarter)["quarter"]
    with ctx.srok.transaction() as session:
        files = preview(
            session=session,
            calendar=ctx.srok.calendar,
            quarter_text=str(q),
            on=ctx.srok.today(),
            rule=ctx.srok.settings.publication_rule,
        )
    return HTMLResponse(files["index.html"])


@router.post("/publication")
def publish_now(request: Request, who: Who, form: Form) -> Response:
    """Publish the quarter today: the files, the record, the п. 3.5 steps closed."""
    ctx = context(request)
    results = []

    def act(session: Session) -> str:
        results.append(publish_from(form, session=session, srok=ctx.srok, who=who))
        return f"/it/publication?quarter={results[0].quarter}&done=1"

    def again(error: RuleViolation) -> Response:
        extra = _publication_context(request, text(form, "quarter") or None)
        return page(request, "publication.html", 422, error=error, done="", **extra)

    response = submit(request, form, who, act, again)
    if results:
        finish(ctx.srok.settings.home / "public", results[0])
    return response


@router.get("/links", response_class=HTMLResponse)
def links(request: Request) -> Response:
    with context(request).srok.transaction() as session:
        checks = recent_checks(session)
        organs = list_organs(session)
    return page(request, "links.html", checks=checks, organs=organs)


@router.post("/links/check")
def links_check(request: Request, who: Who, form: Form) -> Response:
    """Look at every organ's page now for the links still missing (п. 1.4)."""
    ctx = context(request)
    with ctx.fetcher() as fetcher:
        return submit(
            request,
            form,
            who,
            lambda session: (
                run_link_checks(session=session, srok=ctx.srok, who=who, fetcher=fetcher),
                "/it/links",
            )[1],
            lambda e: page(request, "error.html", 422, message=str(e)),
        )


@router.get("/reminders", response_class=HTMLResponse)
def reminders(request: Request, state: str | None = None) -> Response:
    with context(request).srok.transaction() as session:
        rows = list_reminders(session, state=state or None)
    return page(request, "reminders.html", rows=rows, states=STATES, state=state or "")


@router.post("/reminders/retry")
def reminders_retry(request: Request, who: Who, form: Form) -> Response:
    """Put failed and unknown reminders back in the queue and deliver the queue now."""
    ctx = context(request)
    response = submit(
        request,
        form,
        who,
        lambda session: (retry_reminders(session), "/it/reminders")[1],
        lambda e: page(request, "error.html", 422, message=str(e)),
    )
    deliver_queued(ctx.srok)
    return response


@router.get("/accounts/{account_id}/audit", response_class=HTMLResponse)
def account_audit(request: Request, account_id: int) -> Response:
    """The account's history in Russian, from the tamper-evident audit trail."""
    with context(request).srok.transaction() as session:
        entries = audit.log(session, account_id=account_id)
    return page(request, "audit.html", entries=entries, account_id=account_id)


@router.get("/organs", response_class=HTMLResponse)
def organs(request: Request) -> Response:
    return _organs_page(request)


def _organs_page(request: Request, status: int = 200, **extra: Any) -> Response:
    with context(request).srok.transaction() as session:
        rows = list_organs(session)
        people = list_specialists(session)
    return page(request, "organs.html", status, organs=rows, specialists=people, **extra)


@router.post("/organs")
def organ_add(request: Request, who: Who, form: Form) -> Response:
    ctx = context(request)

    def act(session: Session) -> str:
        organ_from(form, session=session, srok=ctx.srok, who=who)
        return "/it/organs"

    return submit(
        request, form, who, act, lambda e: _organs_page(request, 422, error=e, values=form)
    )


@router.post("/specialists")
def specialist_add(request: Request, who: Who, form: Form) -> Response:
    ctx = context(request)

    def act(session: Session) -> str:
        specialist_from(form, session=session, srok=ctx.srok, who=who)
        return "/it/organs"

    return submit(
        request, form, who, act, lambda e: _organs_page(request, 422, error=e, values=form)
    )


@admin_router.get("/users", response_class=HTMLResponse)
def users(request: Request) -> Response:
    return _users_page(request)


def _users_page(request: Request, status: int = 200, **extra: Any) -> Response:
    with context(request).srok.transaction() as session:
        rows = list_users(session)
        organs_ = list_organs(session)
    return page(request, "users.html", status, users=rows, organs=organs_, roles=ROLES, **extra)


@admin_router.post("/users")
def user_add(request: Request, who: Who, form: Form) -> Response:
    def act(session: Session) -> str:
        user_from(form, session=session, who=who)
        return "/it/users"

    kept = {k: v for k, v in form.items() if k != "password"}
    return submit(
        request, form, who, act, lambda e: _users_page(request, 422, error=e, values=kept)
    )
