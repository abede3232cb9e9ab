"""Appending to the audit chain: the same entries give the same hashes, whatever the code path."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from domain.audit import GENESIS
from services.audit import append_many, head

AT = datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=UTC)

ENTRIES = [
    {
        "action": "reminder.queued",
        "entity": "reminder:17:overdue:2026-12-01",
        "actor": "Иванова",
        "account_id": 17,
        "after": {"kind": "overdue", "on": date(2026, 12, 1), "specialist_ids": [3, 5]},
    },
    {
        "action": "step.closed",
        "entity": "step:4",
        "actor": "sweep",
        "clause": "3.4",
        "before": {"done_on": None, "note": "«кавычки» и \\ обратная черта"},
        "after": {"z": 1, "a": {"y": 2.5, "b": True}},
        "organ_id": 9,
        "calendar_version": "ru-2026-v1",
    },
    {"action": "calendar.changed", "entity": "calendar"},
]

# Computed by the code before the driver-level insert (commit eef4fc9): any change in
# the canonical form, the stored JSON or the chaining would change them.
PINNED = (
    "cd8aec1ce30209d889a8eb59872961a4c171c52a54a279483208563ed53e1d15",
    "80ad7e5f853efd251439c2a068330d360bde1db34b12118f00d25a4c0e5779ea",
    "7dcea7f6bf8b9523b7bbd801e2f0c7f423166aaec5f460dc6eae074a880ab236",
)


def test_the_same_entries_give_the_hashes_the_earlier_code_gave(session: Session) -> None:
    assert head(session) == (0, GENESIS)
    session.info["actor"] = "система"
    append_many(session, ENTRIES, recorded_at=AT)
    session.commit()
    rows = (
        session.connection()
        .execute(
            sa.text("SELECT id, prev_hash, hash, actor, recorded_at FROM audit_entry ORDER BY id")
        )
        .all()
    )
    assert [r.hash for r in rows] == list(PINNED)
    assert [r.id for r in rows] == [1, 2, 3]
    assert [r.prev_hash for r in rows] == [GENESIS, *PINNED[:2]]
    assert rows[2].actor == "система"
    assert rows[0].recorded_at == "2026-12-01T03:04:05.678901+00:00"
    assert head(session) == (3, PINNED[2])


def test_appends_in_two_transactions_continue_the_chain_from_the_committed_head(
    session: Session,
) -> None:
    session.info["actor"] = "система"
    append_many(session, ENTRIES[:1], recorded_at=AT)
    session.commit()
    append_many(session, ENTRIES[1:], recorded_at=AT)
    session.commit()
    hashes = session.connection().execute(sa.text("SELECT hash FROM audit_entry ORDER BY id"))
    assert [h for (h,) in hashes] == list(PINNED)
