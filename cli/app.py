"""The `srok` command: parse, call a service, print. No rule is decided here."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from cli.output import (
    EXIT_BAD_INPUT,
    click_errors,
    emit,
    fail,
    parse_date,
    stream_json,
    usage_error,
)
from domain.calendar import CalendarError
from domain.errors import RuleViolation

if TYPE_CHECKING:
    from typer._click.core import Command as TyperCommand

    from services.app import Srok

app = typer.Typer(
    help="srok: сроки Порядка ведения аккаунтов Администрации г. Новоалтайска в соцсетях "
    "(постановление № 608 от 27.03.2023).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Вывести JSON (для программ).")]
# Metavars people read in `--help`, instead of Typer's `<str>`, `<int range>`.
DATE = "ДАТА"  # ДД.ММ.ГГГГ or ГГГГ-ММ-ДД, see cli.output.parse_date
DATE_HELP = "ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"
# Ids are SQL BIGINTs: a larger or a negative one names nothing and is refused as a parse error.
MAX_ID = 2**63 - 1
ID_RANGE = {"min": 1, "max": MAX_ID}


class State:
    actor: str = ""
    apps: list[Srok] = []  # noqa: RUF012 - made by this run, their engines closed at its end


def actor() -> str:
    return State.actor


@app.callback()
def main_options(
    actor_name: Annotated[
        str | None,
        typer.Option(
            "--actor",
            metavar="ИМЯ",
            help="Кто вносит запись (по умолчанию SROK_ACTOR или пользователь ОС).",
        ),
    ] = None,
) -> None:
    from domain.text import clean_text

    name = actor_name or os.environ.get("SROK_ACTOR") or getpass.getuser()
    try:
        State.actor = clean_text("--actor", name, clause="4", required=True) or ""
    except RuleViolation as error:
        raise typer.BadParameter(error.message, param_hint="--actor") from None


@contextmanager
def guard(as_json: bool) -> Iterator[None]:
    """Turn bad input into a message and exit code 2; the transaction has rolled back."""
    import sqlalchemy as sa

    from services.accounts import integrity_message
    from services.app import database_fault
    from services.files import file_fault

    try:
        yield
    except RuleViolation as error:
        fail(error, as_json=as_json)
        raise typer.Exit(getattr(error, "exit_code", EXIT_BAD_INPUT)) from None
    except sa.exc.IntegrityError as error:
        fail(integrity_message(error), as_json=as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except CalendarError as error:
        fail(RuleViolation("calendar", str(error)), as_json=as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except sa.exc.DBAPIError as error:
        fault = database_fault(error)
        fail(fault, as_json=as_json)
        raise typer.Exit(fault.exit_code) from None
    except OSError as error:
        fault = file_fault(error)
        fail(fault, as_json=as_json)
        raise typer.Exit(fault.exit_code) from None


def srok() -> Srok:
    from services.app import Srok

    application = Srok(actor=State.actor or None)
    State.apps.append(application)
    return application


@app.command("init")
def init(as_json: JsonFlag = False) -> None:
    """Создать или обновить базу данных (миграции Alembic)."""
    with guard(as_json):
        application = srok()
        revision = application.init()
        url = application.settings.database_url.split("@")[-1]
        restored = application.restored_triggers
        before = application.upgraded_from
        moved = before is not None and before != revision
        emit(
            {
                "revision": revision,
                "from_revision": before,
                "database": url,
                "restored_triggers": restored,
            },
            as_json=as_json,
            human=f"база данных готова: {url} (ревизия схемы {revision})"
            + (f"; обновлена с ревизии {before} до {revision}" if moved else "")
            + (f"; восстановлены триггеры журнала: {', '.join(restored)}" if restored else ""),
        )


@app.command("status")
def status(
    account: Annotated[
        int | None, typer.Option("--account", metavar="ID", help="Только этот аккаунт.", **ID_RANGE)
    ] = None,
    organ: Annotated[
        int | None,
        typer.Option("--organ", metavar="ID", help="Только аккаунты этого органа.", **ID_RANGE),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar=DATE,
            help="Оценить на эту дату (по умолчанию сегодня по Asia/Barnaul).",
        ),
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Только невыполненные шаги.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Все шаги таблицей, даже по всему городу.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Сроки: по всему городу сводка по органам и просрочки, по органу или аккаунту все шаги."""
    from services.status import iter_step_views, most_overdue, status_summary

    with guard(as_json):
        application = srok()
        day = parse_date("--as-of", as_of) if as_of else application.today()
        with application.transaction() as session:
            views = iter_step_views(
                session=session,
                calendar=application.calendar,
                as_of=day,
                account_id=account,
                organ_id=organ,
                open_only=open_only,
            )
            if as_json:
                stream_json(views)
                return
            from cli.tables import print_status, print_summary

            if account is None and organ is None and not show_all:
                print_summary(
                    status_summary(session=session, as_of=day),
                    most_overdue(session=session, calendar=application.calendar, as_of=day),
                    as_of=day,
                )
            else:
                print_status(list(views), as_of=day)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from cli import (
        audit_commands,
        backup_commands,
        calendar_commands,
        demo_command,
        doctor_commands,
        event_commands,
        moderation_commands,
        publish_commands,
        registry_commands,
        report_commands,
        rules_commands,
        standing_commands,
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
    rules_commands.register(app)
    doctor_commands.register(app)
    backup_commands.register(app)
    moderation_commands.register(app)
    standing_commands.register(app)
    _registered = True


def build() -> TyperCommand:
    """The whole `srok` command tree as click sees it, its help in Russian."""
    from typer.main import get_command

    from cli.help import localize

    _register()
    return localize(get_command(app))


def run(args: Sequence[str]) -> int:
    """Run one `srok` command line and return its exit code; never a traceback for bad input.

    A parse error (an unknown command or option, ``abc`` for an id) is reported
    like any bad input: exit 2, and with ``--json`` the error object on stdout.
    """
    command = build()
    argv = list(args)
    try:
        code = command.main(args=argv, prog_name="srok", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as error:
        error.show()
        return EXIT_BAD_INPUT
    except click_errors.UsageError as error:
        fail(usage_error(error), as_json="--json" in argv)
        if error.ctx is not None:
            print(f"справка: {error.ctx.command_path} --help", file=sys.stderr)
        return EXIT_BAD_INPUT
    except click_errors.ClickException as error:
        error.show()
        return error.exit_code
    except typer.Abort:
        print("прервано", file=sys.stderr)
        return 1
    except Exception as error:
        # A fault srok did not foresee: one line for the person, the traceback only on request.
        if os.environ.get("SROK_DEBUG"):
            raise
        print(
            f"внутренняя ошибка srok: {type(error).__name__}: {error} "
            "(SROK_DEBUG=1 покажет подробности)",
            file=sys.stderr,
        )
        return 1
    finally:
        for application in State.apps:
            application.close()
        State.apps.clear()
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))
