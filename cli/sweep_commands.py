"""`srok sweep` and `srok outbox ...`: run the deadline sweep, see and re-drive deliveries."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer

from cli.app import DATE, DATE_HELP, JsonFlag, guard, srok
from cli.output import emit, parse_date, ru_date
from flows.local import choose_server, flow_runs_here

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
    """Проверить сроки и разослать напоминания потоком deadline-sweep в Prefect.

    Запуск идёт на сервер из PREFECT_API_URL, иначе на запущенный `make serve`
    (127.0.0.1:4200 или PREFECT_PORT), иначе на временный сервер (на 8 с и более дольше).
    С сервером команда выполняет шаги потока сама и сообщает о запуске серверу
    (запуск виден под развёртыванием deadline-sweep/daily); SROK_PREFECT_REST=0 —
    выполнить сам поток Prefect в этом процессе.
    """
    from services.sweep import check_sweep

    with guard(as_json):
        application = srok()
        day = parse_date("--as-of", as_of) if as_of else application.today()
        with application.transaction():
            pass  # an uninitialised database fails here, before Prefect starts
        check_sweep(application, as_of=day, dry_run=dry_run)  # a future day, a channel's settings
        server = choose_server()
        print(server.said(), file=sys.stderr)
        if server.by_rest and server.api_url:
            _sweep_by_hand(server.api_url, day=day, dry_run=dry_run, as_json=as_json)
            return
        from prefect import tags

        from flows.deadline_sweep import deadline_sweep

        try:
            with flow_runs_here(server), tags("srok", "deadline-sweep", "manual"):
                state = deadline_sweep(as_of=day, dry_run=dry_run, return_state=True)
        except RuntimeError as exc:
            if "ephemeral" not in str(exc):
                raise
            print(
                "не удалось запустить временный сервер Prefect: напоминания не отправлялись; "
                "повторите `srok sweep` или задайте PREFECT_API_URL (`make serve`)",
                file=sys.stderr,
            )
            raise typer.Exit(1) from None
        result = _result(state)
        emit(result, as_json=as_json, human=_human(result))
        if not state.is_completed():
            raise typer.Exit(1)


def _sweep_by_hand(api_url: str, *, day: date, dry_run: bool, as_json: bool) -> None:
    """Sweep in this process and report the run to the server over REST (no Prefect import)."""
    from flows.prefect_rest import PrefectApiError
    from flows.sweep_by_hand import sweep_by_hand

    try:
        ok, result = sweep_by_hand(
            api_url, as_of=day, dry_run=dry_run, tags=["srok", "deadline-sweep", "manual"]
        )
    except PrefectApiError as exc:
        print(f"{exc}; проверьте сервер Prefect и повторите `srok sweep`", file=sys.stderr)
        raise typer.Exit(1) from None
    emit(result, as_json=as_json, human=_human(result))
    if not ok:
        raise typer.Exit(1)


def _result(state: Any) -> dict[str, Any]:
    """The run's summary, from a completed run or from a red one that returned it."""
    data = state.result(raise_on_failure=False)
    if isinstance(data, dict):
        return {**data, "message": state.message} if not state.is_completed() else data
    return {"ok": False, "state": state.name, "message": state.message}


def _human(result: dict[str, Any]) -> str:
    if "sent" not in result:
        return f"проверка сроков завершилась неудачно: {result.get('message')}"
    if not result.get("ok"):
        return (
            f"{ru_date(result['as_of'])}: отправлено {len(result['sent'])}; {result.get('message')}"
        )
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
            + (f"  отклонено получателей: {r['refused']}" if r["refused"] else "")
            + (f"  ({r['last_error']})" if r["last_error"] else "")
            for r in rows
        ]
        emit(rows, as_json=as_json, human="\n".join(lines) or "напоминаний нет")


@outbox_app.command("retry")
def outbox_retry(as_json: JsonFlag = False) -> None:
    """Снова поставить в очередь неудавшиеся напоминания, спросить канал о неизвестных и доставить очередь.

    Неизвестное напоминание могло уйти: в очередь оно встаёт, только если канал его
    не нашёл (SMTP спросить нельзя: письмо уходит снова с тем же Message-ID).
    """
    from services.recovery import requeue_failed
    from services.sweep import check_channel_now, deliver_queued

    with guard(as_json):
        application = srok()
        check_channel_now(application)
        with application.transaction() as session:
            requeued = requeue_failed(session)
        report = deliver_queued(application)
        emit(
            {
                "requeued": len(requeued),
                "sent": report.sent,
                "failed": report.failed,
                "unknown": report.unknown,
                "checked": report.checked,
                "partial": report.partial,
                "stopped": report.stopped,
            },
            as_json=as_json,
            human="\n".join(
                [f"№{c['id']}: {c['found']}" for c in report.checked]
                + [
                    f"снова в очереди: {len(requeued)}; отправлено: {len(report.sent)}"
                    + (f"; исход неизвестен: {len(report.unknown)}" if report.unknown else "")
                    + (f"; доставка остановлена: {report.stopped}" if report.stopped else "")
                ]
            ),
        )
        if not report.ok:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
    app.add_typer(outbox_app, name="outbox")
