"""One submission, one transaction: recorded once, or sent back with the field named."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from domain.calendar import CalendarError
from domain.errors import RuleViolation
from services.accounts import integrity_message
from services.submissions import claim, earlier
from services.users import Viewer
from web.access import context
from web.forms import text


def submit(
    request: Request,
    form: Mapping[str, str],
    viewer: Viewer,
    action: Callable[[Session], str],
    on_error: Callable[[RuleViolation], Response],
) -> Response:
    """Run ``action`` (returning where to go next) in one transaction, at most once per form."""
    ctx = context(request)
    nonce = text(form, "nonce")
    try:
        with ctx.srok.transaction(actor=viewer.actor) as session:
            seen = earlier(session, nonce)
            if seen is not None:
                return RedirectResponse(seen, status_code=303)
            target = action(session)
            claim(session, nonce=nonce, actor=viewer.actor, result=target)
    except RuleViolation as error:
        return on_error(error)
    except CalendarError as error:
        return on_error(RuleViolation("calendar", str(error)))
    except sa.exc.IntegrityError as error:
        return on_error(integrity_message(error))
    return RedirectResponse(target, status_code=303)
