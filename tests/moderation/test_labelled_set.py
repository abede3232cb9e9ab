"""The п. 2.5 classifier on the labelled comments: the quality floors the README promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.classifier import classify_many
from moderation.flags import CATEGORIES
from moderation.scoring import score

HERE = Path(__file__).parent
RECALL_FLOOR = {"obscene": 0.95, "personal_data": 0.95, "spam": 0.9, "engagement": 0.9}
PRECISION_FLOOR = 0.9


def load(name: str) -> list[dict[str, object]]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def scored(name: str) -> dict:
    rows = load(name)
    verdicts = classify_many(str(row["text"]) for row in rows)
    return score(
        (set(row["categories"]), v.categories) for row, v in zip(rows, verdicts, strict=True)
    )


def test_the_labelled_set_has_three_hundred_comments_and_every_category() -> None:
    rows = load("labelled.jsonl")

    counts = {c: sum(c in row["categories"] for row in rows) for c in CATEGORIES}

    assert len(rows) >= 300
    assert min(counts.values()) >= 30
    assert (
        sum(not row["categories"] for row in rows) >= 100
    )  # clean ones, hard negatives among them


@pytest.mark.parametrize("category", CATEGORIES)
def test_recall_on_the_labelled_set_is_above_its_floor(category: str) -> None:
    scores = scored("labelled.jsonl")

    assert scores[category].recall >= RECALL_FLOOR[category]


def test_precision_over_all_categories_is_at_least_nine_in_ten() -> None:
    scores = scored("labelled.jsonl")

    assert scores["all"].precision >= PRECISION_FLOOR


def test_the_held_out_comments_keep_the_same_floors() -> None:
    scores = scored("holdout.jsonl")

    assert scores["all"].precision >= PRECISION_FLOOR
    assert scores["obscene"].recall >= RECALL_FLOOR["obscene"]
    assert scores["personal_data"].recall >= RECALL_FLOOR["personal_data"]
