"""What the moderation page shows (п. 2.5): an organ's queue with each comment's wait, and more.

Built for the web page and its /api/v1 twin; the decisions themselves are
``services.moderation``'s. Who reads decides what text is shown: the account's
moderators (the organ's specialists and the IT department) see the comment as
written, anyone else its masked form (``unmasked``). Flags always carry the
masked fragment, as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.errors import NotFound
from domain.moderation import CLEAN, FLAGGED, MANUAL, MODERATION
from domain.networks import NETWORKS
from domain.working_hours import DEFAULT_SCHEDULE, hours_words, working_seconds_between
from models.tables import Account, Comment, Organ
from moderation.flags import RULE_WORDS
from services.accounts import get_organ
from services.moderation import QueueItem, queue
from services.moderation_time import category_words
from services.settings import CITY_ZONE


@dataclass(frozen=True)
class FlagView:
    category: str
    category_ru: str
    fragment: str  # masked, as stored
    rule: str
    rule_ru: str

    def as_dict(self) -> dict[str, str]:
        return {
            "category": self.category,
            "category_ru": self.category_ru,
            "fragment": self.fragment,
            "rule": self.rule,
            "rule_ru": self.rule_ru,
        }


@dataclass(frozen=True)
class CommentView:
    """One comment as the page shows it, the text already chosen for the reader."""

    id: int
    account_id: int
    network: str
    network_ru: str
    post_id: str
    post_url: str | None
    published_at: datetime
    published_ru: str  # «30.11.2026 23:00» in the city's time
    text: str
    flags: list[FlagView] = field(default_factory=list)
    waited_seconds: int = 0  # working time since it was written
    waited_ru: str = ""
    over_day: bool = False  # a working day or more: the specialists have been or will be told
    edited: bool = False
    deleted_on_network: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account_id": self.account_id,
            "network": self.network,
            "post_id": self.post_id,
            "post_url": self.post_url,
            "published_at": self.published_at.isoformat(),
            "text": self.text,
            "flags": [f.as_dict() for f in self.flags],
            "waited_working_hours": round(self.waited_seconds / 3600, 2),
            "over_working_day": self.over_day,
            "edited": self.edited,
            "deleted_on_network": self.deleted_on_network,
        }


@dataclass(frozen=True)
class ModerationView:
    organ_id: int
    organ: str
    unmasked: bool
    waiting: list[CommentView]
    recent_clean: list[CommentView]

    def as_dict(self) -> dict[str, Any]:
        return {
            "organ_id": self.organ_id,
            "organ": self.organ,
            "clause": MODERATION,
            "text_unmasked": self.unmasked,
            "waiting": [c.as_dict() for c in self.waiting],
            "recent_clean": [c.as_dict() for c in self.recent_clean],
        }


def _flags(flags: list[dict[str, str]]) -> list[FlagView]:
    return [
        FlagView(
            category=f.get("category", ""),
            category_ru=category_words(f.get("category", "")),
            fragment=f.get("fragment", ""),
            rule=f.get("rule", ""),
            rule_ru="отмечено вручную"
            if f.get("rule") == MANUAL
            else RULE_WORDS.get(f.get("rule", ""), f.get("rule", "")),
        )
        for f in flags
    ]


def _local(instant: datetime) -> str:
    return instant.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")


def _network(code: str) -> str:
    return NETWORKS[code].russian if code in NETWORKS else code


def _waiting_view(
    item: QueueItem, *, calendar: WorkingCalendar, now: datetime, unmasked: bool
) -> CommentView:
    waited = working_seconds_between(calendar, item.published_at, now, zone=CITY_ZONE)
    return CommentView(
        id=item.id,
        account_id=item.account_id,
        network=item.network,
        network_ru=_network(item.network),
        post_id=item.post_id,
        post_url=item.post_url,
        published_at=item.published_at,
        published_ru=_local(item.published_at),
        text=item.text if unmasked else item.text_masked,
        flags=_flags(item.flags),
        waited_seconds=waited,
        waited_ru=hours_words(waited),
        over_day=waited >= DEFAULT_SCHEDULE.day_seconds(),
        edited=item.edited,
        deleted_on_network=item.deleted_on_network,
    )


def moderation_view(
    *,
    session: Session,
    calendar: WorkingCalendar,
    organ_id: int,
    now: datetime,
    unmasked: bool,
    recent: int = 20,
) -> ModerationView:
    """Return an organ's queue, oldest first, and its latest comments without a flag.

    The latest unflagged comments are there so that a moderator can file one under
    a category no program judges (conflict, defamation, unverified claims, off-topic).
    """
    organ = get_organ(session, organ_id, field="organ")
    waiting = [
        _waiting_view(item, calendar=calendar, now=now, unmasked=unmasked)
        for item in queue(session=session, organ_id=organ_id)
    ]
    clean = session.execute(
        sa.select(Comment)
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(
            col(Account.organ_id) == organ_id,
            col(Comment.state) == CLEAN,
            col(Comment.deleted_on_network_at).is_(None),
        )
        .order_by(col(Comment.published_at).desc(), col(Comment.id).desc())
        .limit(recent)
    ).scalars()
    recent_clean = [
        CommentView(
            id=c.id or 0,
            account_id=c.account_id,
            network=c.network,
            network_ru=_network(c.network),
            post_id=c.post_id,
            post_url=c.post_url,
            published_at=c.published_at,
            published_ru=_local(c.published_at),
            text=c.text if unmasked else c.text_masked,
            edited=c.edited_at is not None,
        )
        for c in clean
    ]
    return ModerationView(organ.id or 0, organ.name, unmasked, waiting, recent_clean)


def organs_waiting(*, session: Session) -> list[dict[str, Any]]:
    """Each organ with comments srok has read: how many wait, and since when the oldest."""
    waiting = sa.func.sum(sa.case((col(Comment.state) == FLAGGED, 1), else_=0))
    oldest = sa.func.min(
        sa.case((col(Comment.state) == FLAGGED, col(Comment.published_at)), else_=None)
    )
    rows = session.execute(
        sa.select(col(Organ.id), col(Organ.name), waiting, oldest)
        .join(Account, col(Account.organ_id) == col(Organ.id))
        .join(Comment, col(Comment.account_id) == col(Account.id))
        .group_by(col(Organ.id), col(Organ.name))
        .order_by(waiting.desc(), col(Organ.name))
    ).all()
    return [
        {
            "organ_id": oid,
            "organ": name,
            "waiting": int(count or 0),
            "oldest": _local(first) if first else None,
        }
        for oid, name, count, first in rows
    ]


def comment_of_organ(session: Session, *, comment_id: int, organ_id: int) -> Comment:
    """Return the comment if it is under one of the organ's accounts; else say there is none.

    The organ in the address is what the role check compared with the reader's: a
    comment of another organ is answered as one that does not exist.
    """
    found = session.execute(
        sa.select(Comment)
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(col(Comment.id) == comment_id, col(Account.organ_id) == organ_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("comment_id", f"у органа нет комментария № {comment_id}", MODERATION)
    return found
