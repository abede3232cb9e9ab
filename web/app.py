"""The FastAPI app: routers per area, the session middleware, errors as pages or JSON."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import NotFound, RuleViolation
from web import session
from web.access import LoginRequired
from web.bad_request import field_and_message, status_message
from web.context import WebContext
from web.guard import Guard
from web.render import page

# The CLI's options whose form and JSON field is spelled otherwise.
WEB_FIELDS = {"password_stdin": "password"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(ctx: WebContext | None = None) -> FastAPI:
    """Build the app on a context (by default from the environment)."""
    from web.routes import (
        api,
        api_office,
        findings,
        head,
        it,
        moderation,
        protection,
        public,
        specialist,
    )

    ctx = ctx or WebContext.from_env()
    app = FastAPI(
        title="srok",
        description="Сроки Порядка ведения аккаунтов Администрации г. Новоалтайска "
        "(постановление № 608): веб-приложение и API.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.middleware("http")(session.middleware(ctx))
    app.add_middleware(Guard, max_body=ctx.max_body)  # outermost: before the session is read
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static")
    for module in (public, specialist, protection, it, head, api):
        app.include_router(module.router)
    app.include_router(head.home_router)
    app.include_router(it.admin_router)
    for router in (findings.router, findings.office, findings.api, findings.api_office):
        app.include_router(router)
    for router in (api_office.office, api_office.admin, api_office.figures, *moderation.ROUTERS):
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": {"field": "authorization", "clause": None, "message": "нужен токен"}},
                status_code=401,
            )
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = status_message(exc.status_code, exc.detail)
        # An unreadable body (not UTF-8) is bad input like any other: 422 with the field.
        status, field = (422, "body") if exc.status_code == 400 else (exc.status_code, None)
        if _is_api(request):
            return JSONResponse(
                {"error": {"field": field, "clause": None, "message": message}},
                status_code=status,
                headers=exc.headers,
            )
        return page(request, "error.html", status, message=message)

    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, exc: RuleViolation) -> Response:
        error = exc.as_dict()
        # The CLI's names (--created-on) as the JSON body spells them (created_on).
        if error.get("field"):
            field = str(error["field"]).removeprefix("--").replace("-", "_").lower()
            error["field"] = WEB_FIELDS.get(field, field)
        status = 404 if _names_the_path(request, exc, error.get("field")) else 422
        if _is_api(request):
            return JSONResponse({"error": error}, status_code=status)
        return page(request, "error.html", status, message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        field, message = field_and_message(exc.errors())
        if not _is_api(request):
            return page(request, "error.html", 422, message=f"{field}: {message}")
        return JSONResponse(
            {"error": {"field": field, "clause": None, "message": message}},
            status_code=422,
        )

    return app


def _names_the_path(request: Request, exc: RuleViolation, field: object) -> bool:
    """Tell whether an id that names nothing came from the address (404) or the body (422)."""
    if not isinstance(exc, NotFound) or not field:
        return False
    return {str(field), f"{field}_id"} & set(request.path_params) != set()
