"""The deadline sweep run by hand, reported to a running Prefect server over REST: no Prefect import.

The same services, in the same order, with the same task names, log lines,
artifacts and final state as flows/deadline_sweep.py (no retries: the command
says what failed, and a second run sends nothing twice); the run appears in the server's UI under
the deployment `deadline-sweep/daily`. Keep the two in step (a test compares
what each leaves on the server).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.prefect_rest import RestRun, reported_run
from services.app import Srok
from services.audit_guard import anchor_day
from services.delivery import DeliveryReport
from services.sweep import (
    deliver_queued,
    not_delivered,
    open_steps_by_organ,
    plan,
    sent_earlier,
    summarise,
    summary_markdown,
)

FLOW = "deadline-sweep"
DEPLOYMENT = "daily"


def sweep_by_hand(
    api_url: str, *, as_of: date, dry_run: bool, tags: list[str]
) -> tuple[bool, dict[str, Any]]:
    """Sweep ``as_of`` in this process as one run on the server; return (ok, summary)."""
    parameters = {"as_of": as_of.isoformat(), "dry_run": dry_run}
    with reported_run(
        api_url, flow_name=FLOW, deployment_name=DEPLOYMENT, parameters=parameters, tags=tags
    ) as run:
        return _sweep(run, day=as_of, dry_run=dry_run)


def _sweep(run: RestRun, *, day: date, dry_run: bool) -> tuple[bool, dict[str, Any]]:
    app = Srok()
    if not app.calendar.is_working(day):
        run.info(f"{day} — нерабочий день по производственному календарю: пропуск")
        summary = summarise(plan(app, as_of=day, dry_run=True), None, dry_run=dry_run)
        run.markdown(key="deadline-sweep-summary", markdown=summary_markdown(summary))
        run.finish(ok=True)
        return True, summary.as_dict()
    actor = run.actor
    with run.task("plan-reminders"):
        planned = plan(Srok(actor=actor), as_of=day, dry_run=dry_run)
    run.info(f"на {day}: напоминаний по графику {planned.due}, новых в очереди {planned.queued}")
    earlier = sent_earlier(app, as_of=day)  # before this run's own sending
    delivery: DeliveryReport | None = None
    if not dry_run:
        with run.task("deliver-reminders"):
            delivery = deliver_queued(Srok(actor=actor))
    summary = summarise(planned, delivery, dry_run=dry_run, sent_before=earlier)
    if not dry_run:
        with run.task("anchor-audit-head"):
            head = anchor_day(Srok(), day=day)  # the chain's head, outside the database
        anchor = f"{head[0]}:{head[1]}" if head else None
        run.info(f"голова журнала изменений записана вне базы: {anchor}")
    with run.task("publish-report"):
        run.table(
            key="deadline-sweep-open-steps",
            table=open_steps_by_organ(Srok(), as_of=day),
            description=f"Открытые шаги на {day.isoformat()}: до 50 органов с наибольшим числом просрочек и итог",
        )
        run.markdown(
            key="deadline-sweep-summary",
            markdown=summary_markdown(summary),
            description="Итог проверки сроков: напоминания по номерам",
        )
    if not summary.ok:
        message = not_delivered(summary)
        run.error(message)
        run.finish(ok=False, message=message)
        return False, {**summary.as_dict(), "message": message}
    run.info(f"отправлено напоминаний: {len(summary.sent)}")
    if summary.sent_before:
        run.info(
            f"уже отправлено раньше сегодня: {summary.sent_before} "
            f"(последнее — {summary.sent_before_at})"
        )
    run.finish(ok=True)
    return True, summary.as_dict()
