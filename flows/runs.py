"""What every flow needs to know about its own run: the day it is for, and who it is."""

from __future__ import annotations

from datetime import date, datetime

from services.settings import CITY_ZONE


def scheduled_day() -> date:
    """Return the day this run is for: its scheduled start in the city, else today there."""
    from prefect.runtime import flow_run

    start = flow_run.scheduled_start_time
    if isinstance(start, datetime):
        return start.astimezone(CITY_ZONE).date()
    return datetime.now(CITY_ZONE).date()


def run_actor() -> str:
    """Name the flow run as the actor of what it records."""
    from prefect.runtime import flow_run

    return f"prefect:{flow_run.flow_name}/{flow_run.name}"
