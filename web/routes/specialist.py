"""An organ's accounts: the п. 3.1 and 3.2 notices, the link (п. 1.4), access (п. 1.6).

Specialists see their organ only (the organ check is in web.access); the IT
department sees every organ here too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from domain.errors import RuleViolation
from domain.networks import NETWORKS
from services.accounts import list_organs
from services.links import checks_of, site_page_of
from services.notices import (
    MAX_SPECIALISTS,
    notice_content,
)
from services.outbox import list_reminders
from services.status import account_summaries, step_views
from services.users import Viewer
from web.access import context, guarded, viewer
from web.actions import access_from, link_from
from web.forms import IdQuery, file_change_from, file_creation_from, text
from web.render import page
from web.submit import submit

router = guarded("specialist", "it", "admin")
Who = Annotated[Viewer, Depends(viewer)]


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]
PREFILL = ("organ", "network", "url")


@router.get("/accounts", response_class=HTMLResponse)
def accounts(request: Request, who: Who, organ: IdQuery = None) -> Response:
    ctx = context(request)
    organ_id = who.organ_id if who.role == "specialist" else organ
    with ctx.srok.transaction() as session:
        organs = list_organs(session) if who.role != "specialist" else []
        rows = (
            account_summaries(
                session=session,
                calendar=ctx.srok.calendar,
                as_of=ctx.srok.today(),
                organ_id=organ_id,
            )
            if organ_id or who.role == "specialist"
            else []
        )
    return page(request, "accounts.html", rows=rows, organs=organs, organ_id=organ_id)


def _account_page(request: Request, account_id: int, status: int = 200, **extra: Any) -> Response:
    ctx = context(request)
    today = ctx.srok.today()
    with ctx.srok.transaction() as session:
        account = notice_content(session, account_id)
        steps = step_views(
            session=session, calendar=ctx.srok.calendar, as_of=today, account_id=account_id
        )
        reminders = list_reminders(session, account_id=account_id)
        checks = checks_of(session, account_id)
        site_page = site_page_of(session, account_id)
    values = {"page": site_page or "", "changed_on": today.isoformat()}
    values.update(extra.pop("values", None) or {})
    return page(
        request,
        "account.html",
        status,
        account=account,
        steps=steps,
        reminders=reminders,
        checks=checks,
        values=values,
        today=today,
        **extra,
    )


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account(request: Request, account_id: int, done: str = "") -> Response:
    return _account_page(request, account_id, done=done)


@router.get("/notices/new", response_class=HTMLResponse)
def notice_form(request: Request, who: Who) -> Response:
    values = {"created_on": context(request).srok.today().isoformat()}
    # Filled in from a finding of п. 3.1 (/findings): the account the city site links to.
    values.update({k: v for k, v in request.query_params.items() if k in PREFILL})
    return _notice_page(request, who, values=values)


def _notice_page(request: Request, who: Who, status: int = 200, **extra: object) -> Response:
    with context(request).srok.transaction() as session:
        organs = list_organs(session) if who.role != "specialist" else []
    return page(
        request,
        "notice.html",
        status,
        networks=NETWORKS,
        organs=organs,
        rows=range(1, MAX_SPECIALISTS + 1),
        **extra,  # type: ignore[arg-type]
    )


@router.post("/notices", response_class=HTMLResponse)
def file_notice(request: Request, who: Who, form: Form) -> Response:
    """File the п. 3.1 notice: the account is created if new, the notice sent and received now."""
    ctx = context(request)

    def act(session: Session) -> str:
        account_id = file_creation_from(form, session=session, srok=ctx.srok, who=who)
        return f"/accounts/{account_id}?done=notice"

    return submit(
        request, form, who, act, lambda e: _notice_page(request, who, 422, error=e, values=form)
    )


@router.get("/accounts/{account_id}/change", response_class=HTMLResponse)
def change_form(request: Request, account_id: int) -> Response:
    ctx = context(request)
    with ctx.srok.transaction() as session:
        account = notice_content(session, account_id)
    values: dict[str, str] = {
        "url": str(account["url"]),
        "changed_on": ctx.srok.today().isoformat(),
    }
    people: list[dict[str, Any]] = account["specialists"]  # type: ignore[assignment]
    for n, person in enumerate(people, start=1):
        for f in ("full_name", "position", "phone", "email"):
            values[f"specialist_{n}_{f}"] = str(person[f])
    return page(
        request, "change.html", account=account, values=values, rows=range(1, MAX_SPECIALISTS + 1)
    )


@router.post("/accounts/{account_id}/change", response_class=HTMLResponse)
def file_change(request: Request, account_id: int, who: Who, form: Form) -> Response:
    """File a п. 3.2 change: a new address, other specialists or their new contacts."""
    ctx = context(request)

    def act(session: Session) -> str:
        file_change_from(form, session=session, srok=ctx.srok, who=who, account_id=account_id)
        return f"/accounts/{account_id}?done=change"

    def again(error: RuleViolation) -> Response:
        with ctx.srok.transaction() as session:
            account = notice_content(session, account_id)
        return page(
            request,
            "change.html",
            422,
            error=error,
            account=account,
            values=form,
            rows=range(1, MAX_SPECIALISTS + 1),
        )

    return submit(request, form, who, act, again)


@router.post("/accounts/{account_id}/link", response_class=HTMLResponse)
def link(request: Request, account_id: int, who: Who, form: Form) -> Response:
    """Report the link on the city site (п. 1.4); srok looks at the page at once."""
    ctx = context(request)
    verdicts = []
    with ctx.fetcher() as fetcher:

        def act(session: Session) -> str:
            verdict = link_from(
                form,
                session=session,
                srok=ctx.srok,
                who=who,
                fetcher=fetcher,
                account_id=account_id,
            )
            verdicts.append(verdict)
            done = "?done=link" if verdict.found else ""
            return f"/accounts/{account_id}{done}"

        response = submit(
            request,
            form,
            who,
            act,
            lambda e: _account_page(request, account_id, 422, error=e, values=form),
        )
    if verdicts and not verdicts[0].found:
        # The look was kept (and this form's nonce with it): a fresh form to try again.
        kept = {"page": text(form, "page"), "form": "link"}
        return _account_page(request, account_id, 422, verdict=verdicts[0], values=kept)
    return response


@router.post("/accounts/{account_id}/access", response_class=HTMLResponse)
def access(request: Request, account_id: int, who: Who, form: Form) -> Response:
    """Grant or revoke a person's access (п. 1.6: at most three at a time)."""
    ctx = context(request)

    def act(session: Session) -> str:
        access_from(form, session=session, srok=ctx.srok, who=who, account_id=account_id)
        return f"/accounts/{account_id}?done=access"

    return submit(
        request,
        form,
        who,
        act,
        lambda e: _account_page(request, account_id, 422, error=e, values=form),
    )
