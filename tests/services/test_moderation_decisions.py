"""Moderators' decisions on the queue (п. 2.5): checked, recorded once, and in the audit chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from models.tables import Comment
from services.audit import AUDIT, verify_chain
from services.moderation import (
    DECIDED,
    FILED,
    decide,
    file_by_hand,
    moderation_times,
    queue,
)
from tests.services.helpers import account, organ

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
PHONE_TEXT = "Звоните 8 913 123-45-67"


def comment(session: Session, account_id: int, number: int, *, state: str = "flagged") -> int:
    flags = (
        [
            {
                "category": "personal_data",
                "fragment": "* *** ***-**-67",
                "rule": "personal_data.phone",
            }
        ]
        if state == "flagged"
        else []
    )
    row = Comment(
        account_id=account_id,
        network="vk",
        post_id="-555_101",
        comment_id=str(number),
        post_url="https://vk.com/wall-555_101",
        published_at=datetime(2026, 11, 30, number, 0, tzinfo=UTC),
        text=PHONE_TEXT,
        text_masked="Звоните * *** ***-**-67",
        text_hash="0" * 64,
        repeat_key="1" * 64,
        author_ref="1001",
        flags=json.dumps(flags, ensure_ascii=False),
        state=state,
        flagged_at=NOW if state == "flagged" else None,
    )
    session.add(row)
    session.flush()
    return row.id or 0


@pytest.fixture
def made(session: Session, calendar: WorkingCalendar) -> tuple[int, int]:
    owner = organ(session)
    acc = account(session, calendar, owner.id or 0, url="https://vk.com/kultura_nvl")
    session.commit()
    return owner.id or 0, acc.id or 0


def audit_rows(session: Session) -> list[dict[str, object]]:
    rows = session.connection().execute(
        sa.select(AUDIT).where(AUDIT.c.action.in_([DECIDED, FILED])).order_by(AUDIT.c.id)
    )
    return [dict(r._mapping) for r in rows]


@pytest.mark.parametrize(
    ("word", "reason", "rule", "state"),
    [
        ("removed", None, None, "removed"),
        ("kept", "критика по делу, без оскорблений", None, "kept"),
        ("user-restricted", None, "правила сообщества ВКонтакте, п. 4", "user_restricted"),
    ],
)
def test_a_decision_takes_the_comment_out_of_the_queue_and_enters_the_audit_chain_masked(
    session: Session,
    made: tuple[int, int],
    word: str,
    reason: str | None,
    rule: str | None,
    state: str,
) -> None:
    organ_id, account_id = made
    cid = comment(session, account_id, 1)

    row = decide(
        session=session,
        comment_id=cid,
        decision=word,
        actor="kultura",
        now=NOW,
        reason=reason,
        rule=rule,
    )
    session.commit()

    assert (row.state, row.decided_by, row.decided_at) == (state, "kultura", NOW)
    assert (row.decision_reason, row.network_rule) == (reason, rule)
    assert queue(session=session) == []
    [entry] = audit_rows(session)
    assert (entry["action"], entry["clause"], entry["entity"]) == (DECIDED, "2.5", f"comment:{cid}")
    assert (entry["organ_id"], entry["account_id"], entry["actor"]) == (
        organ_id,
        account_id,
        "kultura",
    )
    assert "123-45" not in f"{entry['before']}{entry['after']}"
    assert json.loads(str(entry["after"]))["state"] == state
    assert verify_chain(session.get_bind()).ok  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("word", "reason", "rule", "field"),
    [
        ("deleted", None, None, "decision"),
        ("kept", None, None, "reason"),
        ("kept", "  ", None, "reason"),
        ("user-restricted", "грубость", None, "rule"),
        ("kept", "строка\x1b[2J", None, "reason"),
    ],
)
def test_a_decision_missing_what_it_must_say_is_refused_naming_the_field(
    session: Session,
    made: tuple[int, int],
    word: str,
    reason: str | None,
    rule: str | None,
    field: str,
) -> None:
    cid = comment(session, made[1], 1)

    with pytest.raises(RuleViolation) as caught:
        decide(
            session=session, comment_id=cid, decision=word, actor="it", now=NOW,
            reason=reason, rule=rule,
        )  # fmt: skip

    assert (caught.value.field, caught.value.clause) == (field, "2.5")
    assert session.get(Comment, cid).state == "flagged"  # type: ignore[union-attr]


def test_a_comment_is_decided_once(session: Session, made: tuple[int, int]) -> None:
    cid = comment(session, made[1], 1)
    decide(session=session, comment_id=cid, decision="removed", actor="it", now=NOW)

    with pytest.raises(RuleViolation, match="уже решено: удалён"):
        decide(session=session, comment_id=cid, decision="kept", actor="it", now=NOW, reason="x")

    assert len(audit_rows(session)) == 1


def test_an_unknown_comment_and_a_clean_one_are_refused(
    session: Session, made: tuple[int, int]
) -> None:
    clean = comment(session, made[1], 2, state="clean")

    with pytest.raises(RuleViolation, match="комментария 999 нет"):
        decide(session=session, comment_id=999, decision="removed", actor="it", now=NOW)
    with pytest.raises(RuleViolation, match="не в очереди"):
        decide(session=session, comment_id=clean, decision="removed", actor="it", now=NOW)


def test_a_comment_filed_by_hand_enters_the_queue_with_its_category(
    session: Session, made: tuple[int, int]
) -> None:
    cid = comment(session, made[1], 2, state="clean")

    file_by_hand(
        session=session, comment_id=cid, category="defamation", actor="it", now=NOW,
        note="обвиняет главу без доказательств",
    )  # fmt: skip

    [item] = queue(session=session)
    assert item.id == cid and item.flagged_at == NOW
    assert item.flags == [{"category": "defamation", "fragment": "", "rule": "manual", "by": "it"}]
    [entry] = audit_rows(session)
    assert entry["action"] == FILED
    assert json.loads(str(entry["after"]))["category"] == "defamation"


def test_filing_an_unknown_category_or_the_same_twice_is_refused(
    session: Session, made: tuple[int, int]
) -> None:
    cid = comment(session, made[1], 1)
    file_by_hand(session=session, comment_id=cid, category="offtopic", actor="it", now=NOW)

    with pytest.raises(RuleViolation) as unknown:
        file_by_hand(session=session, comment_id=cid, category="rude", actor="it", now=NOW)
    with pytest.raises(RuleViolation, match="уже отмечен: не по теме"):
        file_by_hand(session=session, comment_id=cid, category="offtopic", actor="it", now=NOW)

    assert (unknown.value.field, unknown.value.clause) == ("category", "2.5")


def test_the_queue_is_oldest_first_and_per_organ(
    session: Session, calendar: WorkingCalendar, made: tuple[int, int]
) -> None:
    organ_id, account_id = made
    other = organ(session, "Комитет по спорту")
    other_account = account(session, calendar, other.id or 0, url="https://vk.com/sport_nvl")
    late = comment(session, account_id, 9)
    early = comment(session, account_id, 3)
    elsewhere = comment(session, other_account.id or 0, 1)

    mine = [i.id for i in queue(session=session, organ_id=organ_id)]
    everyone = [i.id for i in queue(session=session)]
    theirs = [i.id for i in queue(session=session, account_ids=[other_account.id or 0])]

    assert mine == [early, late]
    assert everyone == [elsewhere, early, late]
    assert theirs == [elsewhere]
    with pytest.raises(RuleViolation, match="нет органа"):
        queue(session=session, organ_id=999)


def test_moderation_times_give_each_queued_comment_its_written_and_decided_instants(
    session: Session, made: tuple[int, int]
) -> None:
    organ_id, account_id = made
    decided = comment(session, account_id, 1)
    comment(session, account_id, 2)
    comment(session, account_id, 3, state="clean")
    decide(session=session, comment_id=decided, decision="removed", actor="it", now=NOW)

    times = sorted(moderation_times(session=session), key=lambda t: t[1])

    assert times == [
        (organ_id, datetime(2026, 11, 30, 1, 0, tzinfo=UTC), NOW),
        (organ_id, datetime(2026, 11, 30, 2, 0, tzinfo=UTC), None),
    ]


def test_the_audit_log_tells_a_decision_in_russian(session: Session, made: tuple[int, int]) -> None:
    from services.audit import log

    cid = comment(session, made[1], 1)
    decide(session=session, comment_id=cid, decision="removed", actor="it", now=NOW)

    words = [e["words"] for e in log(session, account_id=made[1])]

    assert any(f"comment:{cid} — решение модератора по комментарию; п. 2.5" in w for w in words)
