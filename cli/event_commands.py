"""`srok notice|registry|link|publication ...`: the events that close steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Protocol

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date


class Identified(Protocol):
    id: int | None


notice_app = typer.Typer(
    help="Уведомления отдела информатизации (п. 3.1, 3.2).", no_args_is_help=True
)
registry_app = typer.Typer(help="Реестр аккаунтов (п. 3.3, 3.4).", no_args_is_help=True)
# `link` and `publication` each hold both ways a step is closed: srok doing it
# (`link check`, `publication make`) and a person recording what was done by hand
# (`link posted`, `publication done`). The old twins `links` and `publish` stay as
# hidden aliases (see publish_commands.register).
link_app = typer.Typer(
    help="Ссылки на аккаунты на сайте города (п. 1.4): найти на сайте или записать вручную.",
    no_args_is_help=True,
)
publication_app = typer.Typer(
    help="Публикация Реестра на сайте города (п. 3.5): опубликовать или записать сделанную вручную.",
    no_args_is_help=True,
)

AccountOpt = Annotated[
    int, typer.Option("--account", metavar="ID", help="Номер аккаунта.", **ID_RANGE)
]
OnOpt = Annotated[str, typer.Option("--on", metavar=DATE, help=f"Дата события: {DATE_HELP}.")]


def _closed(steps: Sequence[Identified], as_json: bool, words: str) -> None:
    emit(
        {"closed_step_ids": [s.id for s in steps]},
        as_json=as_json,
        human=f"{words}: закрыто шагов — {len(steps)}",
    )


@notice_app.command("sent")
def notice_sent(
    account: AccountOpt,
    on: OnOpt,
    received_on: Annotated[
        str | None,
        typer.Option(
            "--received-on",
            metavar=DATE,
            help="Когда уведомление получил отдел информатизации (по умолчанию дата --on).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Записать уведомление органа в отдел информатизации; с него идёт срок п. 3.4."""
    from services.events import record_notice

    with guard(as_json):
        day = parse_date("--on", on)
        received = parse_date("--received-on", received_on) if received_on else None
        application = srok()
        with application.transaction() as session:
            steps = record_notice(
                session=session,
                calendar=application.calendar,
                account_id=account,
                on=day,
                received_on=received,
                actor=actor(),
                today=application.today(),
            )
        _closed(steps, as_json, "уведомление записано")


@registry_app.command("entered")
def registry_entered(account: AccountOpt, on: OnOpt, as_json: JsonFlag = False) -> None:
    """Записать внесение сведений в Реестр (п. 3.4); с него идёт срок п. 3.5."""
    from services.events import record_registry_entry

    with guard(as_json):
        day = parse_date("--on", on)
        application = srok()
        with application.transaction() as session:
            steps = record_registry_entry(
                session=session,
                calendar=application.calendar,
                account_id=account,
                on=day,
                rule=application.settings.publication_rule,
                actor=actor(),
                today=application.today(),
            )
        _closed(steps, as_json, "сведения внесены в Реестр")


@link_app.command("posted")
def link_posted(
    account: AccountOpt,
    on: OnOpt,
    page: Annotated[
        str | None,
        typer.Option("--page", metavar="URL", help="Страница сайта города со ссылкой."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Записать вручную, что ссылка на аккаунт размещена на сайте города (п. 1.4)."""
    from services.events import record_link

    with guard(as_json):
        day = parse_date("--on", on)
        application = srok()
        with application.transaction() as session:
            steps = record_link(
                session=session,
                account_id=account,
                on=day,
                page=page,
                actor=actor(),
                today=application.today(),
            )
        _closed(steps, as_json, "ссылка записана")


@publication_app.command("done")
def publication_done(
    quarter: Annotated[
        str, typer.Option("--quarter", metavar="КВАРТАЛ", help="Квартал, например 2026Q4.")
    ],
    on: Annotated[str, typer.Option("--on", metavar=DATE, help=f"Дата публикации: {DATE_HELP}.")],
    as_json: JsonFlag = False,
) -> None:
    """Записать публикацию Реестра за квартал, сделанную без srok (п. 3.5)."""
    from services.events import record_publication

    with guard(as_json):
        day = parse_date("--on", on)
        application = srok()
        with application.transaction() as session:
            publication, steps = record_publication(
                session=session,
                quarter_text=quarter,
                on=day,
                actor=actor(),
                today=application.today(),
            )
        emit(
            {"id": publication.id, "closed_step_ids": [s.id for s in steps]},
            as_json=as_json,
            human=f"публикация за {publication.quarter}: закрыто шагов — {len(steps)}",
        )


def register(app: typer.Typer) -> None:
    app.add_typer(notice_app, name="notice")
    app.add_typer(registry_app, name="registry")
    app.add_typer(link_app, name="link")
    app.add_typer(publication_app, name="publication")
