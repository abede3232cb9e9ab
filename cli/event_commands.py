"""`srok notice|registry|link|publication ...`: the events that close steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Protocol

import typer

from cli.app import ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date


class Identified(Protocol):
    id: int | None


notice_app = typer.Typer(
    help="Уведомления отдела информатизации (п. 3.1, 3.2).", no_args_is_help=True
)
registry_app = typer.Typer(help="Реестр аккаунтов (п. 3.3, 3.4).", no_args_is_help=True)
link_app = typer.Typer(help="Ссылки на сайте города (п. 1.4).", no_args_is_help=True)
publication_app = typer.Typer(
    help="Публикация Реестра на сайте города (п. 3.5).", no_args_is_help=True
)

AccountOpt = Annotated[int, typer.Option("--account", **ID_RANGE)]
OnOpt = Annotated[str, typer.Option("--on", help="YYYY-MM-DD")]


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
        typer.Option("--received-on", help="When the IT department received it (default: --on)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the organ's notice to the IT department; starts the п. 3.4 term."""
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
    """Record the registry entry (п. 3.4); starts the п. 3.5 term."""
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
        str | None, typer.Option("--page", help="The city-site page with the link.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record that links to the account were posted on the city site (п. 1.4)."""
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
    quarter: Annotated[str, typer.Option("--quarter", help="Such as 2026Q4.")],
    on: OnOpt,
    as_json: JsonFlag = False,
) -> None:
    """Record the publication of the public registry for a quarter (п. 3.5)."""
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
