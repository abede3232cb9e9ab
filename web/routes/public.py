"""What needs no login: health, the login page, the public registry, one-click links.

Every POST here checks the CSRF token like the guarded routes do.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from domain.errors import RuleViolation
from domain.quarter import Quarter
from publication.html import render as render_registry
from services import action_links
from services.events import record_notice
from services.links import report_link, site_page_of
from services.notices import notice_content
from services.registry import public_registry
from services.users import log_in
from web.access import context
from web.forms import text
from web.render import page
from web.routes.head import HOME
from web.session import sign_in, sign_out

# Paths reachable without a session; tests/web/test_access.py holds every other route to the check.
PUBLIC = {
    "/healthz",
    "/login",
    "/logout",
    "/registry",
    "/api/v1/registry",
    "/act/{token}",
    "/static",
}


async def check_csrf(request: Request) -> None:
    if request.method == "POST":
        form = await request.form()
        if not hmac.compare_digest(str(form.get("csrf", "")), str(request.state.session["c"])):
            raise HTTPException(403, "Форма устарела: откройте страницу заново и повторите.")


router = APIRouter(dependencies=[Depends(check_csrf)])


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> Response:
    return page(request, "login.html", values={"next": next})


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    ctx = context(request)
    address = request.client.host if request.client else "?"
    with ctx.srok.transaction(actor="web") as session:
        result = log_in(
            session=session,
            login=text(form, "login"),
            password=form.get("password", ""),
            address=address,
            now=datetime.now(UTC),
            directory=ctx.directory,
        )
    if result.viewer is None:
        values = {"login": text(form, "login"), "next": text(form, "next")}
        return page(request, "login.html", 401, values=values, message=result.message)
    sign_in(request, result.viewer.user_id)
    target = text(form, "next")
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = HOME[result.viewer.role]
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/registry", response_class=HTMLResponse)
def registry(request: Request) -> Response:
    """The public registry as it stands today (п. 3.5): no personal data, no login."""
    ctx = context(request)
    today = ctx.srok.today()
    with ctx.srok.transaction() as session:
        rows = [e.as_dict() for e in public_registry(session, on=today)]
    body = render_registry(
        rows, quarter_words=Quarter.of(today).russian(), published_on=today, files=()
    )
    return HTMLResponse(body)


@router.get("/api/v1/registry")
def registry_json(request: Request) -> dict[str, Any]:
    """The public registry as it stands today (п. 3.5), as JSON: no personal data, no login."""
    ctx = context(request)
    today = ctx.srok.today()
    with ctx.srok.transaction() as session:
        rows = [e.as_dict() for e in public_registry(session, on=today)]
    return {"on": today.isoformat(), "accounts": rows}


@router.get("/act/{token}", response_class=HTMLResponse)
def action_page(request: Request, token: str) -> Response:
    """Show what the link will do, prefilled; a GET never acts (mail scanners open links)."""
    ctx = context(request)
    today = ctx.srok.today()
    with ctx.srok.transaction() as session:
        try:
            link, step = action_links.read(
                session=session, token=token, secret=ctx.secret, today=today
            )
        except action_links.LinkRefused as refused:
            return page(request, "action_refused.html", 410, message=refused.message)
        account = notice_content(session, action_links.account_of(step))
        site_page = site_page_of(session, action_links.account_of(step))
    return page(
        request,
        "action.html",
        link=link,
        step=step,
        account=account,
        values={"page": site_page or ""},
        token=token,
    )


@router.post("/act/{token}", response_class=HTMLResponse)
def action_confirm(request: Request, token: str, form: Form) -> Response:
    """Do what the link is for, once: record the notice, or check the reported link."""
    ctx = context(request)
    today = ctx.srok.today()
    fetcher = ctx.fetcher_factory()
    try:
        with ctx.srok.transaction() as session:
            link, step = action_links.read(
                session=session, token=token, secret=ctx.secret, today=today
            )
            actor = action_links.actor_for(session, link)
            session.info["actor"] = actor
            account = notice_content(session, action_links.account_of(step))
            if link.action == "notice":
                action_links.spend(session, link)
                record_notice(
                    session=session,
                    calendar=ctx.srok.calendar,
                    account_id=action_links.account_of(step),
                    on=today,
                    received_on=today,
                    actor=actor,
                    today=today,
                )
                return page(request, "action_done.html", account=account, verdict=None)
            verdict = report_link(
                session=session,
                fetcher=fetcher,
                account_id=action_links.account_of(step),
                page=text(form, "page"),
                actor=actor,
                today=ctx.srok.today(),
            )
            if verdict.found:
                action_links.spend(session, link)
                return page(request, "action_done.html", account=account, verdict=verdict)
        return page(
            request,
            "action.html",
            422,
            link=link,
            step=step,
            account=account,
            values={"page": text(form, "page")},
            token=token,
            verdict=verdict,
        )
    except action_links.LinkRefused as refused:
        return page(request, "action_refused.html", 410, message=refused.message)
    except sa.exc.DBAPIError:
        # The same link confirmed twice at once (two devices, a double click): the other
        # confirmation spent it first, and this transaction rolled back whole. Say so.
        with ctx.srok.transaction() as session:
            try:
                action_links.read(session=session, token=token, secret=ctx.secret, today=today)
            except action_links.LinkRefused as refused:
                return page(request, "action_refused.html", 410, message=refused.message)
        raise
    except RuleViolation as error:
        with ctx.srok.transaction() as session:
            link, step = action_links.read(
                session=session, token=token, secret=ctx.secret, today=today
            )
            account = notice_content(session, action_links.account_of(step))
        return page(
            request,
            "action.html",
            422,
            error=error,
            link=link,
            step=step,
            account=account,
            values={"page": text(form, "page")},
            token=token,
        )
    finally:
        fetcher_close = getattr(fetcher, "close", None)
        if fetcher_close:
            fetcher_close()
