"""The deputy head's figures (read only), and the home page that sends each role on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.errors import RuleViolation
from domain.quarter import Quarter
from services.compliance import render
from services.figures import Figures, quarter_figures
from services.users import Viewer
from web.access import ALL, context, guarded, viewer
from web.figures_page import fragments
from web.render import page

router = guarded("head", "it", "admin")
home_router = guarded(*ALL)
Who = Annotated[Viewer, Depends(viewer)]
HOME = {"specialist": "/accounts", "it": "/it/queue", "admin": "/it/queue", "head": "/figures"}


@home_router.get("/", response_class=HTMLResponse)
def home(who: Who) -> Response:
    return RedirectResponse(HOME[who.role], status_code=303)


def _figures(request: Request, quarter: str | None) -> Figures:
    ctx = context(request)
    today = ctx.srok.today()
    try:
        q = Quarter.parse(quarter) if quarter else Quarter.of(today)
    except ValueError as exc:
        raise RuleViolation("quarter", str(exc), "4") from None
    with ctx.srok.transaction() as session:
        return quarter_figures(session=session, calendar=ctx.srok.calendar, quarter=q, as_of=today)


@router.get("/figures", response_class=HTMLResponse)
def figures(request: Request, quarter: str | None = None, organs: str = "") -> Response:
    """The quarter's compliance: per organ and clause, the on-time rate, who is late now.

    The organs that do worst are shown (all of them with ``?organs=all``); the
    downloads carry every organ.
    """
    found = _figures(request, quarter)
    every = organs == "all"
    # The same fragments as the downloadable report: one way to read the figures.
    parts = fragments(found, every=every)
    quarter_ = Quarter.parse(found.report.quarter)
    return page(request, "figures.html", quarter=quarter_, every=every, **parts)


@router.get("/figures/report.{fmt}")
def figures_download(request: Request, fmt: str, quarter: str | None = None) -> Response:
    if fmt not in ("html", "csv"):
        raise RuleViolation("fmt", "допустимо html или csv", "4")
    found = _figures(request, quarter)
    body = render(found.report, fmt)
    media = "text/html; charset=utf-8" if fmt == "html" else "text/csv; charset=utf-8"
    name = f"compliance-{found.report.quarter}.{fmt}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
