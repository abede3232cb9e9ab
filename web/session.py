"""Sessions in a signed cookie: who is signed in, the CSRF token, when it ends.

The cookie is HttpOnly and SameSite=Lax (Secure when SROK_WEB_URL is https or
the request came over https) and ends after a working day. Every visitor gets
one, signed in or not, so that the login form has a CSRF token too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response

from services.signing import sign, unsign
from web.context import SESSION_HOURS, WebContext

COOKIE = "srok_session"
PURPOSE = "session"


def _fresh() -> dict[str, Any]:
    return {"u": None, "c": secrets.token_urlsafe(24), "x": int(time.time()) + SESSION_HOURS * 3600}


def read(request: Request, ctx: WebContext) -> tuple[dict[str, Any], bool]:
    """Return the session and whether it is new (none, forged or ended: a fresh one)."""
    raw = request.cookies.get(COOKIE)
    data = unsign(raw, secret=ctx.secret, purpose=PURPOSE) if raw else None
    if data is None or int(data.get("x", 0)) < time.time():
        return _fresh(), True
    return data, False


def sign_in(request: Request, user_id: int) -> None:
    """Start a new session for a user: a new CSRF token, a new working day."""
    session = _fresh()
    session["u"] = user_id
    request.state.session = session
    request.state.session_changed = True


def sign_out(request: Request) -> None:
    request.state.session = _fresh()
    request.state.session_changed = True


def csrf_token(request: Request) -> str:
    return str(request.state.session["c"])


def middleware(ctx: WebContext) -> Callable[[Request, Callable[..., Awaitable[Response]]], Any]:
    async def handle(request: Request, call_next: Callable[..., Awaitable[Response]]) -> Response:
        request.state.session, request.state.session_changed = read(request, ctx)
        response = await call_next(request)
        if request.state.session_changed:
            response.set_cookie(
                COOKIE,
                sign(request.state.session, secret=ctx.secret, purpose=PURPOSE),
                max_age=SESSION_HOURS * 3600,
                httponly=True,
                samesite="lax",
                secure=ctx.secure_cookies or request.url.scheme == "https",
                path="/",
            )
        return response

    return handle
