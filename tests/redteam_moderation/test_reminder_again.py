"""A comment back in the queue waits anew, and its specialists are told anew (п. 2.5).

Kept with a reason, then edited by its author into obscenity: the sync puts it back in
the queue (domain.moderation.state_after_classifying). If nobody decides it for a
working day, the specialists must hear of it, as of any comment that waits: the first
reminder was about the first wait, which a decision ended.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from services.moderation import decide
from services.moderation_sync import _set_flags
from tests.services.test_moderation_reminders import (
    THURSDAY,
    WEDNESDAY,
    _city,
    _comment,
    _queued,
    _sweep,
)

FRIDAY, NEXT_MONDAY = date(2026, 12, 4), date(2026, 12, 7)
OBSCENE = [{"category": "obscene", "fragment": "нахуй", "rule": "obscene.lexicon"}]


def test_a_comment_back_in_the_queue_after_a_decision_is_reminded_again(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    c = _comment(session, _city(session, calendar))
    _sweep(session, calendar, WEDNESDAY)  # the first wait: told on Wednesday
    decide(
        session=session,
        comment_id=c.id or 0,
        decision="kept",
        reason="критика, не оскорбление",
        actor="moderator",
        now=datetime(2026, 12, 2, 5, 0, tzinfo=UTC),
    )
    c.text = "Да пошли вы нахуй"  # edited on the network at 09:00 on Thursday
    _set_flags(c, c.text, json.dumps(OBSCENE), now=datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    session.add(c)
    session.flush()

    for day in (THURSDAY, FRIDAY, NEXT_MONDAY):
        _sweep(session, calendar, day)

    assert c.state == "flagged"
    assert _queued(session) == [WEDNESDAY, FRIDAY]
