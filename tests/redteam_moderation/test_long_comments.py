"""One long hostile comment must not hold the sync for minutes (the flow runs every 30 minutes).

A network gives what its users typed: VK allows comments of thousands of characters.
Each shape below took from seconds to tens of minutes to classify, growing faster than
its length (regular expressions backtracking).
"""

from __future__ import annotations

import time

import pytest

from moderation.classifier import classify

SHAPES = {
    "spaced-out letters": "х " * 1600,
    "one long word": "х" * 16_000,
    "dotted latin": "a." * 8_000,
    "dotted cyrillic": "а." * 8_000,
    "digits and dashes": "1-" * 8_000,
    "latin and dashes": "a-" * 8_000,
    "letters and stars": "х*" * 8_000,
    "long latin word": "a" * 16_000,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_classifying_one_long_hostile_comment_takes_under_two_seconds(shape: str) -> None:
    started = time.perf_counter()

    classify(SHAPES[shape])

    assert time.perf_counter() - started < 2.0


def test_a_spaced_out_word_in_a_long_run_of_letters_is_still_found() -> None:
    text = "а " * 300 + "х у й" + " б" * 300

    verdict = classify(text)

    assert [f.category for f in verdict.flags] == ["obscene"]
