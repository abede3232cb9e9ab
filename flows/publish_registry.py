"""Publish the public Registry (deployment `publish-registry`): ahead of each п. 3.5 deadline.

Scheduled on the 20th of January, April, July and October at 10:00
Asia/Barnaul, five days before the 25th; by default it publishes the quarter
that has just ended, dated the day of the run. Runnable on demand with a
quarter and a date. Running it again the same day changes nothing.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from domain.dates import ru
from domain.quarter import Quarter
from flows.runs import run_actor, scheduled_day
from services.app import Srok
from services.publish import PublishResult, run_publish


@task(name="publish")
def publish_task(quarter: str, on: date, actor: str) -> PublishResult:
    return run_publish(Srok(actor=actor), quarter_text=quarter, on=on, out=None, actor=actor)


def report(result: PublishResult) -> str:
    """Describe the publication in Russian: where it is and what changed since the last one."""
    q = Quarter.parse(result.quarter)
    public = os.environ.get("SROK_PUBLIC_URL")
    where = f"{public.rstrip('/')}/current/index.html" if public else f"{result.folder}/index.html"
    lines = [
        f"# Реестр за {q.russian()} опубликован {ru(date.fromisoformat(result.published_on))}",
        "",
        f"- страница: {where}",
        f"- аккаунтов в реестре: {result.rows}",
        f"- закрыто шагов п. 3.5: {result.closed_steps}",
    ]
    if not result.recorded:
        lines.append("- повтор той же публикации: файлы перезаписаны теми же байтами")
    lines += ["", "## Изменения с предыдущей публикации"]
    changes = (
        [f"- добавлен: {u}" for u in result.added]
        + [f"- изменён: {c}" for c in result.changed]
        + [f"- исключён: {u}" for u in result.removed]
    )
    lines += changes or ["- изменений нет"]
    return "\n".join(lines) + "\n"


@flow(name="publish-registry", log_prints=False)
def publish_registry(quarter: str | None = None, on: date | None = None) -> dict[str, Any]:
    """Publish the Registry's public part for a quarter and report what changed."""
    day = on or scheduled_day()
    target = quarter or str(Quarter.of(day).previous())
    result: PublishResult = publish_task(target, day, run_actor())
    create_markdown_artifact(
        key="publish-registry",
        markdown=report(result),
        description=f"Публикация Реестра за {target}",
    )
    get_run_logger().info(
        "реестр за %s: %d аккаунтов, закрыто шагов п. 3.5: %d",
        target,
        result.rows,
        result.closed_steps,
    )
    return result.as_dict()
