"""The one check every route passes: who is asking, their role, their organ, the CSRF token.

Routers are made by ``guarded(...)`` with this check as a router dependency,
so a route cannot be added without it; tests/web/test_access.py walks every
route to be sure. Public routes (the registry, login, health, one-click links)
live in web/routes/public.py, built by ``public_router()`` and listed in PUBLIC.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from fastapi import APIRouter, Depends, HTTPException, Request

from domain.errors import NotFound
from services.accounts import get_account
from services.users import Viewer, viewer_by_id, viewer_by_token
from web.context import WebContext
from web.forms import is_id

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ALL = frozenset({"specialist", "it", "head", "admin"})
OFFICE = frozenset({"it", "admin"})


class LoginRequired(Exception):
    """No session: a page sends the browser to /login, the API answers 401."""


def context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


class Authorize:
    """Check the session (or API token), the role and, for an account or organ, the organ."""

    def __init__(self, roles: Iterable[str], *, api: bool = False) -> None:
        self.roles = frozenset(roles)
        self.api = api

    async def __call__(self, request: Request) -> Viewer:
        ctx = context(request)
        viewer = self._who(request, ctx)
        # Before any role's query: an id past the database's integer names nothing (not a 500).
        if any(n.endswith("_id") and not is_id(v) for n, v in request.path_params.items()):
            raise HTTPException(404, "Нет такой записи.")
        if viewer.role not in self.roles:
            raise HTTPException(403, "Эта страница недоступна для вашей роли.")
        self._check_organ(request, ctx, viewer)
        if request.method in UNSAFE and not self.api:
            form = await request.form()
            sent = str(form.get("csrf", ""))
            if not hmac.compare_digest(sent, str(request.state.session["c"])):
                raise HTTPException(403, "Форма устарела: откройте страницу заново и повторите.")
        request.state.viewer = viewer
        return viewer

    def _who(self, request: Request, ctx: WebContext) -> Viewer:
        if self.api:
            header = request.headers.get("authorization", "")
            token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
            with ctx.srok.transaction() as session:
                viewer = viewer_by_token(session, token) if token else None
        else:
            user_id = request.state.session.get("u")
            with ctx.srok.transaction() as session:
                viewer = viewer_by_id(session, int(user_id)) if user_id else None
        if viewer is None:
            raise LoginRequired()
        return viewer

    def _check_organ(self, request: Request, ctx: WebContext, viewer: Viewer) -> None:
        if viewer.role != "specialist":
            return
        params = request.path_params
        organ_id: int | None = None
        if "account_id" in params:
            with ctx.srok.transaction() as session:
                try:
                    organ_id = get_account(session, int(params["account_id"])).organ_id
                except (NotFound, ValueError):
                    raise HTTPException(404, "Нет такого аккаунта.") from None
        elif "organ_id" in params:
            organ_id = int(params["organ_id"])
        if organ_id is not None and organ_id != viewer.organ_id:
            raise HTTPException(403, "Это аккаунт другого органа: он вам недоступен.")


def guarded(*roles: str, api: bool = False, prefix: str = "") -> APIRouter:
    """A router whose every route passes Authorize(roles)."""
    check = Authorize(roles, api=api)
    return APIRouter(prefix=prefix, dependencies=[Depends(check)])


def viewer(request: Request) -> Viewer:
    """The viewer Authorize found; fails loudly on a route built without it."""
    found = getattr(request.state, "viewer", None)
    if found is None:
        raise RuntimeError("route built without web.access.guarded")
    return found
