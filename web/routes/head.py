"""The deputy head's figures (read only), and the home page that sends each role on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.errors import RuleViolation
from domain.quarter import Quarter
from publication.compliance_html import chart, headline, late_now_table, organ_table
from services.compliance import render
from services.figures import quarter_report
from services.users import Viewer
from web.access import ALL, context, guarded, viewer

router = guarded("head", "it", "admin")
home_router = guarded(*ALL)
Who = Annotated[Viewer, Depends(viewer)]
HOME = {"specialist": "/accounts", "it": "/it/queue", "admin": "/it/queue", "head": "/figures"}


@home_router.get("/", response_class=HTMLResponse)
def home(who: Who) -> Response:
    return RedirectResponse(HOME[who.role], status_code=303)


def _report(request: Request, quarter: str | None) -> dict[str, object]:
    ctx = context(request)
    today = ctx.srok.today()
    try:
        q = Quarter.parse(quarter) if quarter else Quarter.of(today)
    except ValueError as exc:
        raise RuleViolation("quarter", str(exc), "4") from None
    with ctx.srok.transaction() as session:
        return {
            "report": quarter_report(
                session=session, calendar=ctx.srok.calendar, quarter=q, as_of=today
            ),
            "quarter": q,
        }


@router.get("/figures", response_class=HTMLResponse)
def figures(request: Request, quarter: str | None = None) -> Response:
    """The quarter's compliance: per organ and clause, the on-time rate, who is late now."""
    from web.render import page

    found = _report(request, quarter)
    report = found["report"].as_dict()  # type: ignore[attr-defined]
    return page(
        request,
        "figures.html",
        report=report,
        quarter=found["quarter"],
        # The same fragments as the downloadable report: one way to read the figures.
        headline=headline(report),
        late_now=late_now_table(report),
        organs=organ_table(report),
        chart=chart(report["trend"]),
    )


@router.get("/figures/report.{fmt}")
def figures_download(request: Request, fmt: str, quarter: str | None = None) -> Response:
    if fmt not in ("html", "csv"):
        raise RuleViolation("fmt", "допустимо html или csv", "4")
    found = _report(request, quarter)
    body = render(found["report"], fmt)  # type: ignore[arg-type]
    media = "text/html; charset=utf-8" if fmt == "html" else "text/csv; charset=utf-8"
    name = f"compliance-{found['quarter']}.{fmt}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
