"""A flagged comment that waited a working day is told to the account's specialists, once (п. 2.5).

The daily sweep calls :func:`open_moderation_steps` before it plans the day's
reminders. A comment still in the queue (state ``flagged``, not gone from the
network) that has waited at least one working day (8 working hours) by the start
of the sweep's working day gets a finding step of clause 2.5, due that day; the
sweep's reminder machinery then queues one reminder to the account's current
specialists and closes the step (``domain.reminders.finding_reminder``), as for
п. 2.1 and 2.4. The step is unique per comment and wait (``standing_step``, period
``comment:<id>@<entered the queue>``) and the comment's ``reminded_at`` is set in
the same transaction, so a second sweep, the same day or later, tells nothing
again; a comment that comes back into the queue after a decision (edited by its
author) has ``reminded_at`` cleared by the sync and is told once for that wait.

The wait is measured at the start of the working day (09:00 in the city), not at
the moment the sweep runs: a sweep run again at noon decides exactly as the
morning's did. It runs from the moment the comment entered the queue (a comment
filed by hand days after it was written waits from its filing).

The step's explanation (what the letter says) names the post, the flags with
their masked fragments and the wait; never the comment's text nor its author.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.dates import ru
from domain.networks import NETWORKS
from domain.working_hours import (
    DEFAULT_SCHEDULE,
    WorkSchedule,
    hours_words,
    start_of_working_day,
    working_seconds_between,
)
from models.tables import Account, Comment, StandingStep, Step, utcnow
from services.audit import append_many
from services.moderation_time import category_words
from services.settings import CITY_ZONE

CLAUSE = "2.5"


@dataclass(frozen=True)
class Waiting:
    """A flagged comment as the reminder needs it: no text, no author."""

    comment_id: int
    account_id: int
    network: str
    post_url: str | None
    published_at: datetime
    waits_from: datetime
    flags: list[dict[str, str]]


def _waiting(session: Session) -> list[Waiting]:
    rows = session.execute(
        sa.select(
            col(Comment.id),
            col(Comment.account_id),
            col(Comment.network),
            col(Comment.post_url),
            col(Comment.published_at),
            col(Comment.flagged_at),
            col(Comment.flags),
        )
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(
            col(Comment.state) == "flagged",
            col(Comment.reminded_at).is_(None),
            col(Comment.deleted_on_network_at).is_(None),
            col(Account.active),
        )
        .order_by(col(Comment.published_at), col(Comment.id))
    ).all()
    return [
        Waiting(
            comment_id=cid,
            account_id=aid,
            network=network,
            post_url=post_url,
            published_at=published,
            waits_from=max(published, flagged or published),
            flags=json.loads(flags or "[]"),
        )
        for cid, aid, network, post_url, published, flagged, flags in rows
    ]


def explain(w: Waiting, *, waited: int, since_published: int, as_of: date) -> str:
    """Say in Russian what waits and for how long: the post, the flags (masked), the wait."""
    network = NETWORKS[w.network].russian if w.network in NETWORKS else w.network
    post = w.post_url or "адрес публикации сеть не сообщила"
    flags = "; ".join(
        category_words(f.get("category", ""))
        + (f": «{f['fragment']}»" if f.get("fragment") else "")
        for f in w.flags
    )
    published = w.published_at.astimezone(CITY_ZONE)
    queued = w.waits_from.astimezone(CITY_ZONE)
    when = f"{ru(published.date())} в {published:%H:%M}"
    if queued > published:
        when += f", в очереди с {ru(queued.date())} {queued:%H:%M}"
    return (
        f"Комментарий № {w.comment_id} к публикации {post} ({network}), оставлен {when} "
        f"(время Барнаула). Признаки: {flags or 'отмечен вручную'}. "
        f"На начало рабочего дня {ru(as_of)} ждёт решения модератора {hours_words(waited)} "
        "рабочего времени — не меньше рабочего дня (8 ч)"
        + (
            f"; с появления комментария — {hours_words(since_published)}"
            if since_published > waited
            else ""
        )
        + ". Сообщается один раз."
    )


def _period(w: Waiting) -> str:
    """One step per wait, ``comment:<id>@<when it entered the queue>``: a comment decided,
    then edited back into the queue, waits anew and is told once more (and once)."""
    return f"comment:{w.comment_id}@{w.waits_from.astimezone(UTC):%Y%m%dT%H%M%S}"


def open_moderation_steps(
    *,
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    schedule: WorkSchedule = DEFAULT_SCHEDULE,
) -> int:
    """Open a п. 2.5 finding step, due ``as_of``, for each comment that waited a working day.

    Does nothing on a day off (no reminder goes then; the next working day's sweep
    finds the comment still waiting). Returns how many steps were opened.
    """
    if not calendar.is_working(as_of):
        return 0
    cutoff = start_of_working_day(as_of, zone=CITY_ZONE, schedule=schedule)
    day = schedule.day_seconds()
    due: list[tuple[Waiting, int, int]] = []
    for w in _waiting(session):
        waited = working_seconds_between(
            calendar, w.waits_from, cutoff, zone=CITY_ZONE, schedule=schedule
        )
        if waited >= day:
            since = working_seconds_between(
                calendar, w.published_at, cutoff, zone=CITY_ZONE, schedule=schedule
            )
            due.append((w, waited, since))
    if not due:
        return 0
    periods = {_period(w) for w, _, _ in due}
    have = set(
        session.execute(
            sa.select(col(StandingStep.period)).where(
                col(StandingStep.clause) == CLAUSE, col(StandingStep.period).in_(sorted(periods))
            )
        ).scalars()
    )
    now = utcnow()
    audit = []
    for w, waited, since in due:
        period = _period(w)
        if period not in have:
            step = Step(
                account_id=w.account_id,
                clause=CLAUSE,
                counted_from=w.waits_from.astimezone(CITY_ZONE).date(),
                due=as_of,
                explanation=explain(w, waited=waited, since_published=since, as_of=as_of),
                calendar_version=calendar.version,
            )
            session.add(step)
            session.flush()
            assert step.id is not None
            session.add(
                StandingStep(account_id=w.account_id, clause=CLAUSE, period=period, step_id=step.id)
            )
            audit.append(
                {
                    "action": "finding.opened",
                    "entity": f"step:{step.id}",
                    "clause": CLAUSE,
                    "account_id": w.account_id,
                    "after": {
                        "comment": w.comment_id,
                        "due": as_of,
                        "waited_working_seconds": waited,
                    },
                }
            )
        session.execute(
            sa.update(Comment)
            .where(col(Comment.id) == w.comment_id, col(Comment.reminded_at).is_(None))
            .values(reminded_at=now)
        )
    session.flush()
    append_many(session, audit)
    return len(audit)
