"""The daily deadline sweep (deployment `deadline-sweep`): one flow run, three coarse tasks.

Cron cannot know the production calendar, so the deployment fires every day at
09:00 Asia/Barnaul and the flow itself skips non-working days; a working
Saturday is swept. "As of" is the run's scheduled day in the city, so a late
run still processes the day it was meant for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from domain.errors import RuleViolation
from flows.runs import run_actor, scheduled_day
from services.app import Srok
from services.audit_guard import anchor_day
from services.delivery import DeliveryReport
from services.reminders import PlanReport
from services.sweep import (
    deliver_queued,
    not_delivered,
    open_steps_by_organ,
    plan,
    sent_earlier,
    summarise,
    summary_markdown,
)


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only for operational faults (a locked database), never for bad input."""
    try:
        state.result()
    except RuleViolation:
        return False
    except Exception:
        return True
    return False


@task(name="plan-reminders", retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=_transient)
def plan_task(as_of: date, dry_run: bool, actor: str) -> PlanReport:
    return plan(Srok(actor=actor), as_of=as_of, dry_run=dry_run)


@task(name="deliver-reminders")
def deliver_task(actor: str) -> DeliveryReport:
    return deliver_queued(Srok(actor=actor))


@task(name="anchor-audit-head")
def anchor_task(as_of: date) -> str | None:
    head = anchor_day(Srok(), day=as_of)
    return f"{head[0]}:{head[1]}" if head else None


@task(name="publish-report")
def report_task(summary: dict[str, Any], markdown: str, as_of: date) -> None:
    table = open_steps_by_organ(Srok(), as_of=as_of)
    create_table_artifact(
        key="deadline-sweep-open-steps",
        table=table,
        description=f"Открытые шаги на {as_of.isoformat()}: до 50 органов с наибольшим числом просрочек и итог",
    )
    create_markdown_artifact(
        key="deadline-sweep-summary",
        markdown=markdown,
        description="Итог проверки сроков: напоминания по номерам",
    )


@flow(name="deadline-sweep", log_prints=False)
def deadline_sweep(as_of: date | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Judge every open step as of a day, queue and deliver its reminders, and report.

    A run that leaves a reminder undelivered ends Failed (red in the UI) with a
    Russian message and the summary as its data: an intended outcome, so no
    exception and no traceback.
    """
    logger = get_run_logger()
    day = as_of or scheduled_day()
    app = Srok()
    if not app.calendar.is_working(day):
        logger.info("%s — нерабочий день по производственному календарю: пропуск", day)
        summary = summarise(plan(app, as_of=day, dry_run=True), None, dry_run=dry_run)
        create_markdown_artifact(key="deadline-sweep-summary", markdown=summary_markdown(summary))
        return summary.as_dict()
    actor = run_actor()
    planned: PlanReport = plan_task(day, dry_run, actor)
    logger.info(
        "на %s: напоминаний по графику %d, новых в очереди %d", day, planned.due, planned.queued
    )
    earlier = sent_earlier(app, as_of=day)  # before this run's own sending
    delivery: DeliveryReport | None = None if dry_run else deliver_task(actor)
    summary = summarise(planned, delivery, dry_run=dry_run, sent_before=earlier)
    if not dry_run:
        anchor = anchor_task(day)  # the chain's head, outside the database: see audit verify
        logger.info("голова журнала изменений записана вне базы: %s", anchor)
    report_task(summary.as_dict(), summary_markdown(summary), day)
    if not summary.ok:
        from prefect.states import Failed

        message = not_delivered(summary)
        logger.error("%s", message)
        # A returned state becomes the run's final state (Prefect 3).
        return Failed(message=message, data=summary.as_dict())  # type: ignore[return-value]
    logger.info("отправлено напоминаний: %d", len(summary.sent))
    if summary.sent_before:
        logger.info(
            "уже отправлено раньше сегодня: %d (последнее — %s)",
            summary.sent_before,
            summary.sent_before_at,
        )
    return summary.as_dict()
