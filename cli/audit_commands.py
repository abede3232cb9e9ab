"""`srok audit verify` and `srok audit log`: the audit chain for the deputy head and the IT department."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, guard, srok
from cli.output import emit, parse_date, stream_json, stream_lines
from domain.errors import RuleViolation

audit_app = typer.Typer(help="Журнал изменений: проверка цепочки и история.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            metavar="ID:SHA256",
            help="Якорь, напечатанный при публикации: номер записи и её хеш.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Пересчитать цепочку, проверить триггеры, размер и якоря; назвать, что не так (код 1)."""
    from services.audit_guard import check_audit

    with guard(as_json):
        pinned = None
        if anchor:
            number, _, digest = anchor.partition(":")
            if not number.isdigit() or len(digest) != 64:
                raise RuleViolation("--anchor", f"«{anchor}» — ожидается вид 123:<64 hex>")
            pinned = (int(number), digest.lower())
        application = srok()
        with application.transaction():
            pass  # an uninitialised database fails here with the usual message
        check = check_audit(
            application.engine, anchors_path=application.settings.anchors, anchor=pinned
        )
        verdict = check.verdict
        human = (
            "журнал пуст: записей ещё нет, проверять нечего"
            if check.ok and verdict.head_id is None
            else f"цепочка цела: записей {verdict.entries}, последняя № {verdict.head_id}, "
            f"SHA-256 {verdict.head_hash}; сверено с якорями вне базы: {check.anchors}"
            if check.ok
            else f"ЦЕПОЧКА НАРУШЕНА: {check.words}"
        )
        emit(check.as_dict(), as_json=as_json, human=human)
    if not check.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def log(
    account: Annotated[
        int | None,
        typer.Option("--account", metavar="ID", help="Только этот аккаунт.", **ID_RANGE),
    ] = None,
    organ: Annotated[
        int | None,
        typer.Option("--organ", metavar="ID", help="Только этот орган.", **ID_RANGE),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar=DATE, help=f"Начиная с даты: {DATE_HELP}."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Рассказать историю изменений словами, от старых к новым."""
    from services.audit import iter_log

    with guard(as_json):
        day = parse_date("--since", since) if since else None
        with srok().transaction() as session:
            entries = iter_log(session, account_id=account, organ_id=organ, since=day)
            if as_json:
                stream_json(entries)
            else:
                stream_lines((e["words"] for e in entries), empty="записей нет")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
