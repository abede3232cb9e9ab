"""`srok registry show` and `srok publication make`: the Registry for the IT department and for residents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date, ru_date, stream_json, stream_lines


def registry_show(as_json: JsonFlag = False) -> None:
    """Показать внутренний Реестр (п. 3.3) с контактами специалистов: только для отдела информатизации."""
    from services.registry import iter_internal_registry

    with guard(as_json), srok().transaction() as session:
        rows = iter_internal_registry(session)
        if as_json:
            stream_json(rows)
        else:
            stream_lines((_registry_lines(r) for r in rows), empty="Реестр пуст")


def _registry_lines(r: dict[str, Any]) -> str:
    lines = [
        f"{r['account_id']:>4}  {r['organ']} — {r['network']}: {r['url']} "
        f"(создан {ru_date(r['created_on'])}, в Реестре: {ru_date(r['entered_on'], none='нет')})"
    ]
    lines += [
        f"        адрес {a['url']} с {ru_date(a['from'])}"
        + (f" по {ru_date(a['until'])}" if a["until"] else "")
        for a in r["addresses"]
        if a["until"]
    ]
    lines += [
        f"        ответственный: {p['full_name']}, {p['position']}, {p['phone']}, {p['email']}"
        for p in r["specialists"]
    ]
    return "\n".join(lines)


def publish(
    quarter: Annotated[
        str, typer.Option("--quarter", metavar="КВАРТАЛ", help="Квартал, например 2026Q4.")
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar=DATE,
            help=f"Дата публикации: {DATE_HELP} (по умолчанию сегодня).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="ПАПКА",
            help="Папка публикаций (по умолчанию $SROK_HOME/public).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Опубликовать Реестр за квартал (п. 3.5): srok сам готовит HTML, открытые данные и JSON и закрывает шаги."""
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
    organ_id: Annotated[int, typer.Argument(metavar="ID", help="Номер органа.", **ID_RANGE)],
    page: Annotated[
        str, typer.Option("--page", metavar="URL", help="Страница органа на сайте города.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Указать страницу органа на сайте города, где должны быть ссылки на его аккаунты (п. 1.4)."""
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
        int | None,
        typer.Option("--organ", metavar="ID", help="Только этот орган.", **ID_RANGE),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Найти на сайте города ссылки на аккаунты с открытым шагом п. 1.4 и закрыть найденные."""
    from services.links import run_link_check

    with guard(as_json):
        report = run_link_check(srok(), actor=actor(), organ_id=organ)
        lines = [
            f"проверка ссылок {ru_date(report.checked_on)}: закрыто шагов п. 1.4 — {report.closed}"
        ]
        for o in report.organs:
            lines.append(
                f"  {o.organ}: найдено {len(o.found)}, нет ссылки {len(o.missing)}"
                + (f" ({o.problem})" if o.problem else "")
            )
        emit(report.as_dict(), as_json=as_json, human="\n".join(lines))


def register(app: typer.Typer) -> None:
    from cli.event_commands import link_app, publication_app, registry_app
    from cli.registry_commands import organ_app

    registry_app.command("show")(registry_show)
    organ_app.command("set-site")(organ_set_site)
    publication_app.command("make")(publish)
    link_app.command("check")(links_check)
    # The names the README used before `link` and `publication` held both ways of
    # closing a step: they still work, and stay out of `srok --help`.
    app.command("publish", hidden=True)(publish)
    app.add_typer(link_app, name="links", hidden=True)
