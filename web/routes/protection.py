"""The specialist's quarterly confirmation of an account's protection (п. 1.6).

The role and organ checks are web.access's, as on every route: a specialist
reaches their own organ's accounts only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from domain.quarter import Quarter
from domain.standing import ProtectionAnswer
from services.notices import notice_content
from services.protection import confirm_protection, confirmed_accounts, protection_days
from services.users import Viewer
from web.access import context, guarded, viewer
from web.forms import day, number, text
from web.render import page
from web.submit import submit

router = guarded("specialist", "it", "admin")
Who = Annotated[Viewer, Depends(viewer)]


async def form_data(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


Form = Annotated[dict[str, str], Depends(form_data)]


def _page(request: Request, account_id: int, status: int = 200, **extra: Any) -> Response:
    ctx = context(request)
    today = ctx.srok.today()
    quarter = Quarter.of(today)
    with ctx.srok.transaction() as session:
        account = notice_content(session, account_id)
        confirmed = account_id in confirmed_accounts(session, quarter=quarter)
    return page(
        request,
        "protection.html",
        status,
        account=account,
        quarter=quarter.russian(),
        confirmed=confirmed,
        days=protection_days(),
        **extra,
    )


@router.get("/accounts/{account_id}/protection", response_class=HTMLResponse)
def protection_form(request: Request, account_id: int) -> Response:
    return _page(request, account_id)


@router.post("/accounts/{account_id}/protection", response_class=HTMLResponse)
def confirm(request: Request, account_id: int, who: Who, form: Form) -> Response:
    """Confirm 2FA, the people with access and where the credentials are kept, for the quarter."""
    ctx = context(request)
    today = ctx.srok.today()

    def act(session: Session) -> str:
        answer = ProtectionAnswer(
            two_factor=text(form, "two_factor") == "on",
            people_with_access=number(form, "people", "сколько человек имеют доступ", "1.6"),
            credentials_kept=text(form, "credentials_kept"),
        )
        confirm_protection(
            session=session,
            calendar=ctx.srok.calendar,
            account_id=account_id,
            answer=answer,
            on=day(form, "on", "дата", "1.6") if text(form, "on") else today,
            quarter=None,
            working_days=protection_days(),
            actor=who.actor,
            today=today,
        )
        return f"/accounts/{account_id}/protection"

    return submit(
        request,
        form,
        who,
        act,
        lambda e: _page(request, account_id, 422, error=e, values=form),
    )
