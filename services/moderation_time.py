"""Time to moderation per organ for the compliance report (п. 2.5), in working hours.

A comment's time to moderation runs from its publication on the network to the
moderator's decision («удалён», «оставлен», «пользователь ограничен»), counted in
the city's working hours (``domain.working_hours``). The report gives, per organ,
the comments decided in the quarter (decision date in the city's zone), the
median and the 90th percentile (nearest rank) of their times, and how many flagged
comments wait now, of them how many a working day or more. Only organs with
comments srok has read are listed. No text, no author: counts and hours only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.moderation import MANUAL_CATEGORIES
from domain.quarter import Quarter
from domain.working_hours import (
    DEFAULT_SCHEDULE,
    WorkSchedule,
    median,
    percentile,
    start_of_working_day,
    working_seconds_between,
)
from models.tables import Account, Comment, Organ
from services.settings import CITY_ZONE

DECIDED = ("removed", "kept", "user_restricted")

# The automatic categories' words, as moderation.flags.CATEGORY_WORDS has them (a test keeps
# them equal). Not imported: the sweep's flow is loaded by Prefect as a script with flows/ on
# sys.path, where `moderation` is flows/moderation.py, not the package.
AUTOMATIC_WORDS = {
    "obscene": "ненормативная лексика",
    "personal_data": "персональные данные граждан",
    "spam": "спам и реклама",
    "engagement": "просьбы о лайках, дружбе, голосах, опросах",
}


def category_words(category: str) -> str:
    """Name a flag's category in Russian (п. 2.5), automatic or filed by hand."""
    return AUTOMATIC_WORDS.get(category) or MANUAL_CATEGORIES.get(category) or category


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _bounds(quarter: Quarter) -> tuple[datetime, datetime]:
    """The quarter as UTC instants, its days read in the city's zone."""
    first = datetime.combine(quarter.first_day, time(0), tzinfo=CITY_ZONE)
    after = datetime.combine(quarter.last_day + timedelta(days=1), time(0), tzinfo=CITY_ZONE)
    return first.astimezone(UTC), after.astimezone(UTC)


def moderation_by_organ(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    organ_id: int | None = None,
    schedule: WorkSchedule = DEFAULT_SCHEDULE,
) -> list[dict[str, Any]]:
    """Return one row per organ with comments: decided in the quarter, median, p90, waiting now."""
    organ_filter = [col(Account.organ_id) == organ_id] if organ_id is not None else []
    rows: dict[int, dict[str, Any]] = {}
    times: dict[int, list[int]] = {}
    for oid, name in session.execute(
        sa.select(col(Organ.id), col(Organ.name))
        .where(
            sa.exists().where(
                col(Account.organ_id) == col(Organ.id),
                col(Comment.account_id) == col(Account.id),
                *organ_filter,
            )
        )
        .order_by(col(Organ.name))
    ):
        rows[oid] = {
            "organ": name,
            "decided": 0,
            "median_hours": None,
            "p90_hours": None,
            "waiting": 0,
            "waiting_over_day": 0,
        }
        times[oid] = []
    first, after = _bounds(quarter)
    for oid, published, decided in session.execute(
        sa.select(col(Account.organ_id), col(Comment.published_at), col(Comment.decided_at))
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(
            col(Comment.state).in_(DECIDED),
            col(Comment.decided_at) >= first,
            col(Comment.decided_at) < after,
            *organ_filter,
        )
    ):
        if oid in times:
            times[oid].append(working_seconds_between(calendar, published, decided, zone=CITY_ZONE))
    now = start_of_working_day(as_of, zone=CITY_ZONE, schedule=schedule)
    day = schedule.day_seconds()
    for oid, published, flagged in session.execute(
        sa.select(col(Account.organ_id), col(Comment.published_at), col(Comment.flagged_at))
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(
            col(Comment.state) == "flagged",
            col(Comment.deleted_on_network_at).is_(None),
            col(Account.active),
            *organ_filter,
        )
    ):
        if oid not in rows:
            continue
        rows[oid]["waiting"] += 1
        since = max(published, flagged or published)
        if working_seconds_between(calendar, since, now, zone=CITY_ZONE) >= day:
            rows[oid]["waiting_over_day"] += 1
    for oid, row in rows.items():
        row["decided"] = len(times[oid])
        row["median_hours"] = _hours(median(times[oid]))
        row["p90_hours"] = _hours(percentile(times[oid], 0.9))
    return list(rows.values())
