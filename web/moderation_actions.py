"""A moderator's writes (п. 2.5), read from a form or a JSON body and done once for both doors.

As web/actions.py for the IT department: the HTML form and its /api/v1 twin call
the same function, one parse and one service call (``services.moderation``, which
checks the decision and writes the audit entry in the same transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.moderation import decide, file_by_hand
from services.moderation_page import comment_of_organ
from services.users import Viewer
from web.forms import required, text


def decision_from(
    form: Mapping[str, Any],
    *,
    session: Session,
    who: Viewer,
    organ_id: int,
    comment_id: int,
    now: datetime,
) -> Any:  # models.tables.Comment
    """Record «удалён», «оставлен» (a reason) or «пользователь ограничен» (the network's rule)."""
    comment_of_organ(session, comment_id=comment_id, organ_id=organ_id)
    return decide(
        session=session,
        comment_id=comment_id,
        decision=required(form, "decision", "решение", "2.5"),
        actor=who.actor,
        now=now,
        reason=text(form, "reason") or None,
        rule=text(form, "rule") or None,
    )


def filing_from(
    form: Mapping[str, Any],
    *,
    session: Session,
    who: Viewer,
    organ_id: int,
    comment_id: int,
    now: datetime,
) -> Any:  # models.tables.Comment
    """File a comment under a category no program judges; it enters the queue."""
    comment_of_organ(session, comment_id=comment_id, organ_id=organ_id)
    return file_by_hand(
        session=session,
        comment_id=comment_id,
        category=required(form, "category", "категория", "2.5"),
        actor=who.actor,
        now=now,
        note=text(form, "note") or None,
    )
