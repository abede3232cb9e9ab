"""`srok registry show` and `srok publish`: the Registry for the IT department and for residents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date


def registry_show(as_json: JsonFlag = False) -> None:
    """Show the internal Registry (п. 3.3), specialists' contacts included: for the IT department only."""
    from services.registry import internal_registry

    with guard(as_json):
        with srok().transaction() as session:
            rows = internal_registry(session)
        lines = []
        for r in rows:
            lines.append(
                f"{r['account_id']:>4}  {r['organ']} — {r['network']}: {r['url']} "
                f"(создан {r['created_on']}, в Реестре: {r['entered_on'] or 'нет'})"
            )
            lines += [
                f"        адрес {a['url']} с {a['from']}"
                + (f" по {a['until']}" if a["until"] else "")
                for a in r["addresses"]
                if a["until"]
            ]
            lines += [
                f"        ответственный: {p['full_name']}, {p['position']}, {p['phone']}, {p['email']}"
                for p in r["specialists"]
            ]
        emit(rows, as_json=as_json, human="\n".join(lines) or "Реестр пуст")


def publish(
    quarter: Annotated[str, typer.Option("--quarter", help="Such as 2026Q4.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Publication date (default: today).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder of publications (default: $SROK_HOME/public)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Publish the public Registry for a quarter (п. 3.5): HTML, open data, JSON; close its steps."""
    from services.publish import run_publish

    with guard(as_json):
        application = srok()
        day = parse_date("--on", on) if on else application.today()
        result = run_publish(application, quarter_text=quarter, on=day, out=out, actor=actor())
        folder = out or application.settings.home / "public"
        emit(
            result.as_dict(),
            as_json=as_json,
            human=(
                f"опубликовано за {result.quarter}: аккаунтов {result.rows}, закрыто шагов п. 3.5 — "
                f"{result.closed_steps}\nстраница: {folder / 'current' / 'index.html'}"
            ),
        )


def organ_set_site(
    organ_id: Annotated[int, typer.Argument(metavar="ID", help="The organ's id.", **ID_RANGE)],
    page: Annotated[str, typer.Option("--page", help="The organ's page on the city site.")],
    as_json: JsonFlag = False,
) -> None:
    """Set the organ's page on the city site, where links to its accounts must be (п. 1.4)."""
    from services.links import set_site_page

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            organ = set_site_page(
                session=session,
                organ_id=organ_id,
                page=page,
                actor=actor(),
                today=application.today(),
            )
        emit(
            {"id": organ.id, "page": organ.site_page},
            as_json=as_json,
            human=f"страница органа {organ.id}: {organ.site_page}",
        )


def links_check(
    organ: Annotated[
        int | None, typer.Option("--organ", help="Only this organ.", **ID_RANGE)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Look on the city site for links to accounts whose п. 1.4 step is open; close those found."""
    from services.links import run_link_check

    with guard(as_json):
        report = run_link_check(srok(), actor=actor(), organ_id=organ)
        lines = [f"проверка ссылок {report.checked_on}: закрыто шагов п. 1.4 — {report.closed}"]
        for o in report.organs:
            lines.append(
                f"  {o.organ}: найдено {len(o.found)}, нет ссылки {len(o.missing)}"
                + (f" ({o.problem})" if o.problem else "")
            )
        emit(report.as_dict(), as_json=as_json, human="\n".join(lines))


links_app = typer.Typer(help="Ссылки на аккаунты на сайте города (п. 1.4).", no_args_is_help=True)
links_app.command("check")(links_check)


def register(app: typer.Typer) -> None:
    from cli.event_commands import registry_app
    from cli.registry_commands import organ_app

    registry_app.command("show")(registry_show)
    organ_app.command("set-site")(organ_set_site)
    app.command("publish")(publish)
    app.add_typer(links_app, name="links")
