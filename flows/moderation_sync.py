"""Read the accounts' new comments for moderation (deployment `moderation-sync`, п. 2.5).

Every 30 minutes from 08:00 to 20:00 Asia/Barnaul, Monday to Saturday; cron cannot
know the production calendar, so the flow itself skips a day off (a holiday on
a weekday, an ordinary Saturday) and runs on a working Saturday (a transfer).
The module is not called ``moderation.py``: Prefect loads an entrypoint with
flows/ first on sys.path, where that name would hide the moderation package. One task: store each comment once and queue the flagged ones
(services.moderation_sync). The artifact has counts by organ, never a comment's
words. The run ends red only when a whole network failed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact

from flows.runs import run_actor, scheduled_day
from services.app import Srok
from services.moderation_sync import SyncReport
from services.settings import CITY_ZONE


@task(name="sync-comments")
def sync_task(now: datetime, actor: str) -> tuple[SyncReport, dict[int, str]]:
    from services.moderation_sync import days_setting, organ_names, sync
    from services.network_clients import open_clients

    app = Srok(actor=actor)
    clients = open_clients()
    try:
        report = sync(app=app, clients=clients, now=now, days=days_setting())
    finally:
        clients.close()
    return report, organ_names(app)


@flow(name="moderation-sync", log_prints=False)
def moderation_sync(as_of: date | None = None) -> dict[str, Any]:
    """Read and store new comments on a working day; queue the ones п. 2.5 says to look at.

    ``as_of`` (a rehearsal) reads as if it were 18:00 of that day in the city.
    """
    logger = get_run_logger()
    day = as_of or scheduled_day()
    if not Srok().calendar.is_working(day):
        logger.info("%s — нерабочий день по производственному календарю: пропуск", day)
        return {"skipped": day.isoformat()}
    now = datetime.combine(as_of, time(18, 0), tzinfo=CITY_ZONE) if as_of else datetime.now(UTC)
    report, names = sync_task(now, run_actor())
    create_table_artifact(
        key="moderation-sync",
        table=report.table(names),
        description=f"Комментарии для модерации (п. 2.5) на {now.astimezone(CITY_ZONE):%d.%m.%Y %H:%M}",
    )
    failed = report.failed_networks
    if failed:
        from prefect.states import Failed

        message = "сеть не ответила целиком: " + "; ".join(failed.values())
        logger.error("%s", message)
        return Failed(message=message, data=report.as_dict())  # type: ignore[return-value]
    logger.info("новых комментариев %d, в очередь %d", report.total("new"), report.total("flagged"))
    return report.as_dict()
