"""Check the city site for links to new accounts (deployment `check-site-links`, п. 1.4).

Daily: every organ page with an account whose п. 1.4 step is open is fetched
once; links found close their steps with evidence. A page that is down is
reported and leaves its steps open, so the sweep's reminders go on.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from flows.runs import run_actor
from services.app import Srok
from services.links import LinkReport, run_link_check


@task(name="check-links")
def check_task(organ_id: int | None, actor: str) -> LinkReport:
    return run_link_check(Srok(actor=actor), actor=actor, organ_id=organ_id)


def report(result: LinkReport) -> str:
    lines = [
        f"# Ссылки на сайте города на {result.checked_on} (п. 1.4)",
        "",
        f"Закрыто шагов: {result.closed}",
        "",
        "| орган | открытых шагов | найдено | нет ссылки | проблема |",
        "| --- | --- | --- | --- | --- |",
    ]
    for o in result.organs:
        lines.append(
            f"| {o.organ} | {o.open_steps} | {len(o.found)} | {len(o.missing)} | "
            f"{o.problem or ''} |"
        )
    return "\n".join(lines) + "\n"


@flow(name="check-site-links", log_prints=False)
def check_site_links(organ_id: int | None = None) -> dict[str, Any]:
    """Look for the links every open п. 1.4 step needs, and close the steps that have them."""
    result: LinkReport = check_task(organ_id, run_actor())
    create_markdown_artifact(
        key="check-site-links",
        markdown=report(result),
        description="Проверка ссылок на аккаунты на сайте города",
    )
    get_run_logger().info("закрыто шагов п. 1.4: %d", result.closed)
    return result.as_dict()
