"""Compliance reports (deployment `compliance-report`): weekly for the IT department, quarterly by mail.

Every Monday at 08:00 Asia/Barnaul it publishes the current quarter's figures
as an artifact. In the first week after a quarter ends it also mails that
quarter's report to the deputy head of the city (SROK_REPORT_EMAIL), once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from domain.quarter import Quarter
from flows.runs import run_actor, scheduled_day
from services.app import Srok
from services.compliance import compliance_report, email_report


@task(name="compliance-figures")
def figures_task(quarter: str, as_of: date, actor: str) -> dict[str, Any]:
    app = Srok(actor=actor)
    with app.transaction() as session:
        return compliance_report(
            session=session, calendar=app.calendar, quarter=Quarter.parse(quarter), as_of=as_of
        ).as_dict()


@task(name="mail-quarterly-report", retries=2, retry_delay_seconds=[60, 600])
def mail_task(quarter: str, as_of: date, actor: str) -> str:
    return email_report(Srok(actor=actor), quarter=Quarter.parse(quarter), as_of=as_of, actor=actor)


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Исполнение сроков за {Quarter.parse(report['quarter']).russian()} "
        f"(на {report['as_of']})",
        "",
        "| орган | сроков | в срок | с опозданием | просрочено | напоминаний | вовремя |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for organ, t in report["totals"].items():
        rate = "—" if t["on_time_rate"] is None else f"{round(t['on_time_rate'] * 100)} %"
        lines.append(
            f"| {organ} | {t['due']} | {t['on_time']} | {t['late']} | {t['overdue']} | "
            f"{t['reminders']} | {rate} |"
        )
    lines += ["", "Наибольшие просрочки (аккаунт, пункт, рабочих дней):"]
    lines += [
        f"- № {c['account_id']} {c['organ']}, п. {c['clause']}: {c['late_working_days']}"
        for c in report["worst"][:5]
    ] or ["- нет"]
    return "\n".join(lines) + "\n"


@flow(name="compliance-report", log_prints=False)
def compliance_report_flow(as_of: date | None = None, email: bool | None = None) -> dict[str, Any]:
    """Publish this quarter's figures; after a quarter ends, mail its report once."""
    day = as_of or scheduled_day()
    actor = run_actor()
    current = Quarter.of(day)
    report = figures_task(str(current), day, actor)
    create_markdown_artifact(
        key="compliance-report",
        markdown=markdown(report),
        description=f"Исполнение Порядка: {current}",
    )
    previous = current.previous()
    mailed = None
    if email or (email is None and (day - previous.last_day).days <= 7):
        mailed = mail_task(str(previous), day, actor)
        get_run_logger().info(mailed)
    return {"quarter": str(current), "mailed": mailed}
