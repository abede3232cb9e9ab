"""П. 2.5: what a moderator's decision must say, and the state a (re)classified comment takes."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.moderation import Decision, decision, manual_category, state_after_classifying


@pytest.mark.parametrize(
    ("word", "reason", "rule", "expected"),
    [
        ("removed", None, None, Decision("removed", None, None)),
        (" Removed ", "", None, Decision("removed", None, None)),
        ("kept", " по делу ", None, Decision("kept", "по делу", None)),
        ("user-restricted", None, "правила ВК", Decision("user_restricted", None, "правила ВК")),
        ("user_restricted", None, "правила ВК", Decision("user_restricted", None, "правила ВК")),
    ],
)
def test_a_decision_as_typed_is_read_with_its_fields(
    word: str, reason: str | None, rule: str | None, expected: Decision
) -> None:
    assert decision(word, reason=reason, rule=rule) == expected


@pytest.mark.parametrize(
    ("word", "reason", "rule", "field"),
    [
        ("blocked", None, None, "decision"),
        ("kept", None, None, "reason"),
        ("kept", "   ", None, "reason"),
        ("user-restricted", None, None, "rule"),
        ("user-restricted", None, "\u202eправило", "rule"),
    ],
)
def test_a_decision_that_does_not_say_enough_names_the_field_and_the_clause(
    word: str, reason: str | None, rule: str | None, field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        decision(word, reason=reason, rule=rule)

    assert (caught.value.field, caught.value.clause) == (field, "2.5")


def test_the_categories_no_program_judges_are_filed_by_their_codes() -> None:
    assert manual_category(" Defamation ") == "defamation"
    with pytest.raises(RuleViolation, match="conflict"):
        manual_category("rude")


@pytest.mark.parametrize(
    ("state", "flagged", "after"),
    [
        ("clean", True, "flagged"),
        ("clean", False, "clean"),
        ("flagged", False, "clean"),
        ("flagged", True, "flagged"),
        ("removed", True, "removed"),
        ("user_restricted", False, "user_restricted"),
        ("kept", False, "kept"),
        ("kept", True, "flagged"),  # edited into something flaggable after it was kept
    ],
)
def test_a_decision_stands_when_a_comment_is_classified_again_unless_a_kept_one_changed(
    state: str, flagged: bool, after: str
) -> None:
    assert state_after_classifying(state, flagged=flagged) == after
