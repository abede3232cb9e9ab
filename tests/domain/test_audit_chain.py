"""The chain detects each kind of rewriting and names the first entry it touches."""

from __future__ import annotations

from typing import Any

import pytest

from domain.audit import GENESIS, chain_hash, verify


def _chain(n: int) -> list[dict[str, Any]]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        row = {
            "id": i,
            "recorded_at": f"2026-12-01T00:00:{i:02d}+00:00",
            "actor": "it",
            "action": "step.closed",
            "clause": "3.1",
            "entity": f"step:{i}",
            "account_id": i,
            "organ_id": 1,
            "before": None,
            "after": '{"done_on":"2026-11-24"}',
            "calendar_version": "v1",
            "prev_hash": prev,
        }
        row["hash"] = chain_hash(prev, row)
        prev = row["hash"]
        rows.append(row)
    return rows


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    rows = _chain(10)

    verdict = verify(lambda: rows)

    assert verdict.ok and verdict.entries == 10
    assert (verdict.head_id, verdict.head_hash) == (10, rows[-1]["hash"])


def test_an_edited_field_is_named() -> None:
    rows = _chain(10)
    rows[4]["actor"] = "someone else"

    verdict = verify(lambda: rows)

    assert (verdict.problem, verdict.first_bad_id) == ("edited", 5)


def test_a_deleted_entry_is_named_by_the_one_after_it() -> None:
    rows = _chain(10)
    del rows[4]

    verdict = verify(lambda: rows)

    assert (verdict.problem, verdict.first_bad_id) == ("deleted", 6)


def test_an_entry_inserted_in_the_middle_is_named() -> None:
    rows = _chain(10)
    forged = dict(rows[4], actor="forger", entity="step:99")
    forged["hash"] = chain_hash(rows[4]["hash"], forged)
    forged["prev_hash"] = rows[4]["hash"]
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    for row in rows[5:]:
        row["id"] += 1
    forged["id"] = 6
    rows.insert(5, forged)

    verdict = verify(lambda: rows)

    assert (verdict.problem, verdict.first_bad_id) == ("inserted", 6)


def test_two_swapped_entries_are_named() -> None:
    rows = _chain(10)
    rows[3], rows[4] = rows[4], rows[3]
    rows[3]["id"], rows[4]["id"] = 4, 5

    verdict = verify(lambda: rows)

    assert (verdict.problem, verdict.first_bad_id) == ("reordered", 4)


def test_a_rewritten_tail_is_caught_by_a_published_anchor() -> None:
    rows = _chain(10)
    anchor = (7, rows[6]["hash"])
    rewritten = _chain(6)  # history cut back to 6 and re-chained: self-consistent

    assert verify(lambda: rewritten).ok
    verdict = verify(lambda: rewritten, anchor=anchor)

    assert (verdict.ok, verdict.problem) == (False, "deleted")


@pytest.mark.parametrize("position", [0, 9])
def test_the_ends_of_the_chain_are_guarded_too(position: int) -> None:
    rows = _chain(10)
    rows[position]["after"] = "{}"

    assert verify(lambda: rows).first_bad_id == position + 1
