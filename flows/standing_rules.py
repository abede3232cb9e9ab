"""Check the standing rules (deployment `standing-rules`, п. 2.1, 2.4 and 3.1).

Weekly, on Mondays: every active account once, for the week that ended on
Sunday; each account's check stored as evidence. One flow run a week and one
task, never one per account; then the organs' pages on the city site are read
for accounts nobody notified (п. 3.1), a second table. The run ends red only
when a whole network failed; an account that cannot be read is a line in the table, not a failure.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact

from flows.runs import run_actor, scheduled_day
from services.app import Srok
from services.standing_rules import StandingRulesSummary, run_week


@task(name="check-standing-rules")
def check_task(week: str, today: date, actor: str) -> StandingRulesSummary:
    from domain.posting import IsoWeek

    return run_week(app=Srok(actor=actor), week=IsoWeek.parse(week), today=today)


@task(name="find-unnotified-accounts")
def unnotified_task(actor: str) -> list[dict[str, Any]]:
    """П. 3.1: read the organs' pages on the city site; return the open findings."""
    from services.unnotified import finding_view, findings, run_scan

    app = Srok(actor=actor)
    run_scan(app, actor=actor)
    with app.transaction() as session:
        rows = findings(session=session, today=app.today(), actor=actor)
        return [finding_view(row, organ) for row, organ in rows]


def unnotified_table(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "аккаунт": i["url"],
            "орган": i["organ"],
            "страница": i["page"],
            "впервые": i["first_seen_on"],
        }
        for i in items
    ]


@flow(name="standing-rules", log_prints=False)
def standing_rules(as_of: date | None = None, week: str | None = None) -> dict[str, Any]:
    """Check п. 2.1 for the week that ended and п. 2.4 now, for every account; report by organ."""
    from domain.posting import IsoWeek

    logger = get_run_logger()
    day = as_of or scheduled_day()
    chosen = IsoWeek.parse(week) if week else IsoWeek.last_complete(day)
    summary: StandingRulesSummary = check_task(str(chosen), day, run_actor())
    create_table_artifact(
        key="standing-rules",
        table=summary.table(),
        description=f"Постоянные требования раздела 2 за {chosen} ({chosen.in_words()})",
    )
    unnotified = unnotified_task(run_actor())
    create_table_artifact(
        key="unnotified-accounts",
        table=unnotified_table(unnotified),
        description="Аккаунты, о которых не уведомили (п. 3.1): srok rules unnotified list",
    )
    if not summary.ok:
        from prefect.states import Failed

        message = "сеть не ответила целиком: " + "; ".join(
            f"{name}: {why}" for name, why in summary.failed_networks.items()
        )
        logger.error("%s", message)
        return Failed(message=message, data=summary.as_dict())  # type: ignore[return-value]
    logger.info("проверено за %s: органов %d", chosen, len(summary.organs))
    return summary.as_dict()
