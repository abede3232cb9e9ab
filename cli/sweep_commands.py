"""`srok sweep` and `srok outbox ...`: run the deadline sweep, see and re-drive deliveries."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.app import DATE, DATE_HELP, JsonFlag, guard, srok
from cli.output import emit, parse_date, ru_date
from flows.local import quiet_local_prefect

outbox_app = typer.Typer(help="Напоминания: очередь и доставка.", no_args_is_help=True)


def sweep(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar=DATE,
            help=f"День проверки: {DATE_HELP} (по умолчанию сегодня по Asia/Barnaul).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Решить, какие напоминания нужны, но ничего не ставить в очередь и не отправлять.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Проверить сроки и разослать напоминания потоком deadline-sweep в Prefect (временный локальный сервер, если не задан PREFECT_API_URL)."""
    with guard(as_json):
        application = srok()
        day = parse_date("--as-of", as_of) if as_of else application.today()
        with application.transaction():
            pass  # an uninitialised database fails here, before Prefect starts
        quiet_local_prefect()
        from prefect import tags

        from flows.deadline_sweep import deadline_sweep

        with tags("srok", "deadline-sweep", "manual"):
            state = deadline_sweep(as_of=day, dry_run=dry_run, return_state=True)
        if state.is_completed():
            result = state.result()
        else:
            result = {"ok": False, "state": state.name, "message": state.message}
        emit(result, as_json=as_json, human=_human(result))
        if not state.is_completed():
            raise typer.Exit(1)


def _human(result: dict[str, Any]) -> str:
    if "sent" not in result:
        return f"проверка сроков завершилась неудачно: {result.get('message')}"
    if result.get("skipped_day_off"):
        return f"{ru_date(result['as_of'])}: нерабочий день, напоминания не отправляются"
    return (
        f"{ru_date(result['as_of'])}: напоминаний по графику {result['due']}, новых {result['queued']}, "
        f"отправлено {len(result['sent'])}" + (" (пробный запуск)" if result["dry_run"] else "")
    )


@outbox_app.command("list")
def outbox_list(
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            metavar="СОСТОЯНИЕ",
            help="Только в этом состоянии: queued (в очереди), sending (отправляется), "
            "sent (отправлено), failed (ошибка), unknown (неизвестно).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Перечислить напоминания и состояние доставки (по номерам, без персональных данных)."""
    from services.outbox import list_reminders

    with guard(as_json):
        with srok().transaction() as session:
            rows = list_reminders(session, state=state)
        lines = [
            f"№{r['id']:>5}  {ru_date(r['on_date'])}  п. {r['clause']:<4} {r['kind']:<11} "
            f"{r['state']:<8} акк. {r['account_id']}"
            + (f"  ({r['last_error']})" if r["last_error"] else "")
            for r in rows
        ]
        emit(rows, as_json=as_json, human="\n".join(lines) or "напоминаний нет")


@outbox_app.command("retry")
def outbox_retry(as_json: JsonFlag = False) -> None:
    """Снова поставить в очередь неудавшиеся и неизвестные напоминания и доставить всё из очереди."""
    from services.delivery import requeue_failed
    from services.sweep import deliver_queued

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            count = requeue_failed(session)
        report = deliver_queued(application)
        emit(
            {
                "requeued": count,
                "sent": report.sent,
                "failed": report.failed,
                "unknown": report.unknown,
                "stopped": report.stopped,
            },
            as_json=as_json,
            human=f"снова в очереди: {count}; отправлено: {len(report.sent)}",
        )
        if not report.ok:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
    app.add_typer(outbox_app, name="outbox")
