"""The moderation queue (п. 2.5): flagged comments oldest first, and what moderators decide.

What the CLI (`srok moderation list|decide|file`) and the web page call. Each
function works in the caller's transaction; each decision and each filing
appends to the audit chain in it, with the comment's masked text only: the
text as written is for the account's moderators, never for the audit trail,
logs or reports.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import NotFound, RuleViolation
from domain.moderation import (
    CLEAN,
    DECISIONS,
    FLAGGED,
    MANUAL,
    MANUAL_CATEGORIES,
    MODERATION,
    manual_category,
)
from domain.moderation import decision as check_decision
from domain.text import clean_text
from models.tables import Account, Comment, Organ
from services.accounts import get_organ

DECIDED = "moderation.decided"
FILED = "moderation.filed"


@dataclass(frozen=True)
class QueueItem:
    """One flagged comment as the queue shows it."""

    id: int
    account_id: int
    organ_id: int
    organ: str
    network: str
    post_id: str
    post_url: str | None
    published_at: datetime
    flagged_at: datetime | None
    text: str  # as written: the account's moderators only
    text_masked: str
    flags: list[dict[str, str]]
    edited: bool
    deleted_on_network: bool

    def waited_hours(self, now: datetime) -> float:
        """Hours (of the clock, not working hours) since the comment was written."""
        return max(0.0, (now - self.published_at).total_seconds() / 3600)

    def as_dict(self, *, unmasked: bool = False) -> dict[str, Any]:
        """The item for JSON; ``text`` is masked unless the reader moderates the account."""
        return {
            "id": self.id,
            "account_id": self.account_id,
            "organ_id": self.organ_id,
            "organ": self.organ,
            "network": self.network,
            "post_id": self.post_id,
            "post_url": self.post_url,
            "published_at": self.published_at.isoformat(),
            "flagged_at": self.flagged_at.isoformat() if self.flagged_at else None,
            "text": self.text if unmasked else self.text_masked,
            "flags": self.flags,
            "edited": self.edited,
            "deleted_on_network": self.deleted_on_network,
        }


def flags_of(comment: Comment) -> list[dict[str, str]]:
    return list(json.loads(comment.flags or "[]"))


def organ_of_queue(session: Session, organ_id: int, *, field: str = "--organ") -> Organ:
    """Return the organ whose queue is asked for, or say there is none, citing п. 2.5."""
    try:
        return get_organ(session, organ_id, field=field)
    except NotFound as error:
        raise NotFound(error.field, error.message, MODERATION) from None


def queue(
    *,
    session: Session,
    organ_id: int | None = None,
    account_ids: Collection[int] | None = None,
) -> list[QueueItem]:
    """Return the flagged comments awaiting a decision, oldest first."""
    query = (
        select(Comment, Account.organ_id, Organ.name)
        .join(Account, col(Account.id) == col(Comment.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(Comment.state == FLAGGED)
    )
    if organ_id is not None:
        organ_of_queue(session, organ_id)
        query = query.where(Account.organ_id == organ_id)
    if account_ids is not None:
        query = query.where(col(Comment.account_id).in_(list(account_ids)))
    rows = session.exec(query.order_by(col(Comment.published_at), col(Comment.id))).all()
    return [
        QueueItem(
            id=c.id or 0,
            account_id=c.account_id,
            organ_id=organ,
            organ=name,
            network=c.network,
            post_id=c.post_id,
            post_url=c.post_url,
            published_at=c.published_at,
            flagged_at=c.flagged_at,
            text=c.text,
            text_masked=c.text_masked,
            flags=flags_of(c),
            edited=c.edited_at is not None,
            deleted_on_network=c.deleted_on_network_at is not None,
        )
        for c, organ, name in rows
    ]


def get_comment(
    session: Session, comment_id: int, *, field: str = "id", lock: bool = False
) -> Comment:
    """Return the comment srok stores under ``comment_id``, or say there is none.

    ``lock`` (a decision, a filing) reads it afresh and holds its row to the end of
    the transaction: two moderators at once on PostgreSQL see each other's decision.
    """
    comment = (
        session.get(Comment, comment_id, with_for_update=True, populate_existing=True)
        if lock
        else session.get(Comment, comment_id)
    )
    if comment is None:
        raise NotFound(field, f"комментария {comment_id} нет (srok moderation list)", MODERATION)
    return comment


def _organ_of(session: Session, comment: Comment) -> int | None:
    account = session.get(Account, comment.account_id)
    return account.organ_id if account else None


def decide(
    *,
    session: Session,
    comment_id: int,
    decision: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    rule: str | None = None,
) -> Comment:
    """Record a moderator's decision on a flagged comment, in the audit chain too.

    Only a comment in the queue is decided, once: a second decision on it is
    refused, naming the first, so a double click or a re-run records nothing new.
    """
    from services.audit import append

    checked = check_decision(decision, reason=reason, rule=rule)
    comment = get_comment(session, comment_id, lock=True)
    if comment.state != FLAGGED:
        if comment.state in DECISIONS:
            when = comment.decided_at.isoformat() if comment.decided_at else "?"
            raise RuleViolation(
                "id",
                f"по комментарию {comment_id} уже решено: {DECISIONS[comment.state]} "
                f"({comment.decided_by}, {when})",
                MODERATION,
            )
        raise RuleViolation(
            "id",
            f"комментарий {comment_id} не в очереди: отметок нет "
            "(srok moderation file — отметить вручную)",
            MODERATION,
        )
    comment.state = checked.state
    comment.decided_at = now
    comment.decided_by = actor
    comment.decision_reason = checked.reason
    comment.network_rule = checked.rule
    session.add(comment)
    append(
        session,
        action=DECIDED,
        entity=f"comment:{comment.id}",
        actor=actor,
        clause=MODERATION,
        before={"state": FLAGGED, "flags": flags_of(comment), "text": comment.text_masked},
        after={
            "state": checked.state,
            "reason": checked.reason,
            "rule": checked.rule,
            "network": comment.network,
            "post_id": comment.post_id,
            "comment_id": comment.comment_id,
        },
        account_id=comment.account_id,
        organ_id=_organ_of(session, comment),
    )
    return comment


def file_by_hand(
    *,
    session: Session,
    comment_id: int,
    category: str,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> Comment:
    """File a comment under a category no program judges (conflict, defamation, ...).

    The comment enters the queue if it was not there; a decided comment is not
    reopened (its decision stands). Filing the same category twice is refused.
    """
    from services.audit import append

    code = manual_category(category)
    why = clean_text("note", note, clause=MODERATION) or None
    comment = get_comment(session, comment_id, lock=True)
    if comment.state in DECISIONS:
        raise RuleViolation(
            "id",
            f"по комментарию {comment_id} уже решено: {DECISIONS[comment.state]}",
            MODERATION,
        )
    flags = flags_of(comment)
    if any(f["rule"] == MANUAL and f["category"] == code for f in flags):
        raise RuleViolation(
            "category",
            f"комментарий {comment_id} уже отмечен: {MANUAL_CATEGORIES[code]}",
            MODERATION,
        )
    before = {"state": comment.state, "flags": flags}
    flags.append({"category": code, "fragment": "", "rule": MANUAL, "by": actor})
    comment.flags = json.dumps(flags, ensure_ascii=False)
    if comment.state != FLAGGED:
        comment.state = FLAGGED
        comment.flagged_at = now
    session.add(comment)
    append(
        session,
        action=FILED,
        entity=f"comment:{comment.id}",
        actor=actor,
        clause=MODERATION,
        before=before,
        after={"state": FLAGGED, "category": code, "note": why, "text": comment.text_masked},
        account_id=comment.account_id,
        organ_id=_organ_of(session, comment),
    )
    return comment


def moderation_times(
    *, session: Session, organ_id: int | None = None
) -> list[tuple[int, datetime, datetime | None]]:
    """(organ, written, decided or None) for every comment in the queue or decided.

    A comment edited clean before anyone decided left the queue: it is not counted.
    """
    query = (
        select(Account.organ_id, Comment.published_at, Comment.decided_at)
        .join(Account, col(Account.id) == col(Comment.account_id))
        .where(Comment.state != CLEAN)
    )
    if organ_id is not None:
        query = query.where(Account.organ_id == organ_id)
    return [(o, p, d) for o, p, d in session.exec(query).all()]
