"""Pages from Jinja2 templates, in Russian; the form helpers every page shares."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain.dates import ru
from domain.errors import RuleViolation
from services.users import ROLES
from web.session import csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.filters["ru"] = lambda d: (
    ru(date.fromisoformat(d) if isinstance(d, str) else d) if d else "—"
)
templates.env.globals["ROLES"] = ROLES
templates.env.globals["new_nonce"] = lambda: secrets.token_urlsafe(16)


def page(
    request: Request,
    name: str,
    status: int = 200,
    *,
    error: RuleViolation | None = None,
    values: dict[str, Any] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page; each form on it gets the CSRF token and a nonce (one submission).

    A form sent back with an error keeps its nonce (nothing was recorded); any
    other form gets a fresh one.
    """
    values = dict(values or {})
    return templates.TemplateResponse(
        request,
        name,
        {
            "viewer": getattr(request.state, "viewer", None),
            "csrf": csrf_token(request),
            "error": error,
            "error_field": web_field(error.field) if error else None,
            "values": values,
            **context,
        },
        status_code=status,
    )


def web_field(field: str) -> str:
    """Name a service's field as the form names it: ``--created-on`` is ``created_on``."""
    return field.removeprefix("--").replace("-", "_")
