"""`srok registry show` and `srok publish`: the Registry for the IT department and for residents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import JsonFlag, actor, guard, srok
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
    from services.publish import finish
    from services.publish import publish as publish_registry

    with guard(as_json):
        application = srok()
        day = parse_date("--on", on) if on else application.today()
        folder = out or application.settings.home / "public"
        with application.transaction() as session:
            result = publish_registry(
                session=session,
                calendar=application.calendar,
                quarter_text=quarter,
                on=day,
                out=folder,
                rule=application.settings.publication_rule,
                actor=actor(),
                today=application.today(),
            )
        finish(folder, result)
        emit(
            result.as_dict(),
            as_json=as_json,
            human=(
                f"опубликовано за {result.quarter}: аккаунтов {result.rows}, закрыто шагов п. 3.5 — "
                f"{result.closed_steps}\nстраница: {folder / 'current' / 'index.html'}"
            ),
        )


def register(app: typer.Typer) -> None:
    from cli.event_commands import registry_app

    registry_app.command("show")(registry_show)
    app.command("publish")(publish)
