"""The `srok` command: parse, call a service, print. No rule is decided here."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from cli.output import EXIT_BAD_INPUT, emit, fail, parse_date
from domain.calendar import CalendarError
from domain.errors import RuleViolation

if TYPE_CHECKING:
    from services.app import Srok

app = typer.Typer(
    help="srok: сроки Порядка ведения аккаунтов Администрации г. Новоалтайска в соцсетях "
    "(постановление № 608 от 27.03.2023).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


class State:
    actor: str = ""


def actor() -> str:
    return State.actor


@app.callback()
def main_options(
    actor_name: Annotated[
        str | None,
        typer.Option("--actor", help="Who records this (default: SROK_ACTOR or the OS user)."),
    ] = None,
) -> None:
    State.actor = actor_name or os.environ.get("SROK_ACTOR") or getpass.getuser()


@contextmanager
def guard(as_json: bool) -> Iterator[None]:
    """Turn bad input into a message and exit code 2; the transaction has rolled back."""
    import sqlalchemy as sa

    from services.accounts import integrity_message

    try:
        yield
    except RuleViolation as error:
        fail(error, as_json=as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except sa.exc.IntegrityError as error:
        fail(integrity_message(error), as_json=as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except CalendarError as error:
        fail(RuleViolation("calendar", str(error)), as_json=as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def srok() -> Srok:
    from services.app import Srok

    return Srok(actor=State.actor or None)


@app.command("init")
def init(as_json: JsonFlag = False) -> None:
    """Create or upgrade the database (Alembic migrations)."""
    with guard(as_json):
        application = srok()
        revision = application.init()
        url = application.settings.database_url.split("@")[-1]
        emit(
            {"revision": revision, "database": url},
            as_json=as_json,
            human=f"база данных готова: {url} (ревизия схемы {revision})",
        )


@app.command("status")
def status(
    account: Annotated[int | None, typer.Option("--account", help="Only this account.")] = None,
    organ: Annotated[
        int | None, typer.Option("--organ", help="Only this organ's accounts.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge as of this date (default: today in Asia/Barnaul)."),
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only steps not yet done.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Show every step with its due date, state and how the date was computed."""
    from services.status import step_views

    with guard(as_json):
        application = srok()
        day = parse_date("--as-of", as_of) if as_of else application.today()
        with application.transaction() as session:
            views = step_views(
                session=session,
                calendar=application.calendar,
                as_of=day,
                account_id=account,
                organ_id=organ,
                open_only=open_only,
            )
        if as_json:
            emit([v.as_dict() for v in views], as_json=True)
        else:
            from cli.tables import print_status

            print_status(views, as_of=day)


def main() -> None:
    from cli import (
        audit_commands,
        calendar_commands,
        demo_command,
        event_commands,
        publish_commands,
        registry_commands,
        report_commands,
        sweep_commands,
        web_commands,
    )

    audit_commands.register(app)
    report_commands.register(app)
    calendar_commands.register(app)
    demo_command.register(app)
    sweep_commands.register(app)
    registry_commands.register(app)
    event_commands.register(app)
    publish_commands.register(app)
    web_commands.register(app)
    app()
