"""`srok audit verify` and `srok audit log`: the audit chain for the deputy head and the IT department."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import ID_RANGE, JsonFlag, guard, srok
from cli.output import emit, parse_date
from domain.errors import RuleViolation

audit_app = typer.Typer(help="Журнал изменений: проверка цепочки и история.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="ID:SHA256 printed by a publication.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute the chain; check triggers, size and anchors; name what is wrong (exit 1)."""
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
            f"цепочка цела: записей {verdict.entries}, последняя № {verdict.head_id}, "
            f"SHA-256 {verdict.head_hash}; сверено с якорями вне базы: {check.anchors}"
            if check.ok
            else f"ЦЕПОЧКА НАРУШЕНА: {check.words}"
        )
        emit(check.as_dict(), as_json=as_json, human=human)
    if not check.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def log(
    account: Annotated[int | None, typer.Option("--account", **ID_RANGE)] = None,
    organ: Annotated[int | None, typer.Option("--organ", **ID_RANGE)] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Tell the history in words, oldest first."""
    from services.audit import log as audit_log

    with guard(as_json):
        day = parse_date("--since", since) if since else None
        with srok().transaction() as session:
            entries = audit_log(session, account_id=account, organ_id=organ, since=day)
        emit(
            entries, as_json=as_json, human="\n".join(e["words"] for e in entries) or "записей нет"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
