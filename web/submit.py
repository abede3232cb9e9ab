"""One submission, one transaction: recorded once, or sent back with the field named."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
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
        seen = _won_by_the_other(request, nonce)
        if seen is not None:
            return RedirectResponse(seen, status_code=303)
        return on_error(integrity_message(error))
    return RedirectResponse(target, status_code=303)


def _won_by_the_other(request: Request, nonce: str) -> str | None:
    """Where the same submission led, if it raced this one and committed first.

    The button pressed twice at once: both pass ``earlier``, one claims the
    nonce, the other fails on it and rolls back whole. It lands where the
    first led, as a repeat that came a moment later would.
    """
    if not nonce:
        return None
    with context(request).srok.transaction() as session:
        return earlier(session, nonce)


def submit_json(
    request: Request,
    viewer: Viewer,
    action: Callable[[Session], tuple[str, Any]],
    *,
    status: int = 200,
) -> Response:
    """The JSON twin of ``submit``: ``action`` returns (the resource's path, the answer).

    A script that may send a request twice sends the same ``Idempotency-Key``
    header both times: the second records nothing and answers 200 with
    ``{"repeated": true, "location": ...}``, where the first one led. Bad input
    raises RuleViolation, answered 422 with the field and the clause.
    """
    ctx = context(request)
    key = request.headers.get("idempotency-key", "").strip()
    nonce = (
        "api:" + hashlib.sha256(f"{viewer.actor}\n{key}".encode()).hexdigest()[:40] if key else ""
    )
    try:
        with ctx.srok.transaction(actor=viewer.actor) as session:
            seen = earlier(session, nonce)
            if seen is not None:
                return JSONResponse(
                    {"repeated": True, "location": seen}, headers={"Location": seen}
                )
            location, answer = action(session)
            claim(session, nonce=nonce, actor=viewer.actor, result=location)
    except CalendarError as error:
        raise RuleViolation("calendar", str(error)) from None
    except sa.exc.IntegrityError as error:
        seen = _won_by_the_other(request, nonce)
        if seen is not None:
            return JSONResponse({"repeated": True, "location": seen}, headers={"Location": seen})
        raise integrity_message(error) from None
    return JSONResponse(
        jsonable_encoder(answer), status_code=status, headers={"Location": location}
    )
