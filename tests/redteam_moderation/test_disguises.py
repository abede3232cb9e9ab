"""Personal data disguised with invisible characters or lookalike letters stays masked (п. 2.5).

The masked text is what the deputy head reads, what the audit trail keeps for good and
what reports show: a mailbox or a phone that slips past the rules is published there.
"""

from __future__ import annotations

import pytest

from moderation.classifier import classify

# The comment, and a piece of the personal data that must not remain in the masked text.
DISGUISED = {
    "zero-width space before @": ("Пишите мне: ivan.petrov\u200b@mail.ru", "petrov"),
    "word joiner before @": ("Пишите мне: ivan.petrov\u2060@mail.ru", "petrov"),
    "zero-width space in the domain": ("Пишите мне: ivan.petrov@mail\u200b.ru", "petrov"),
    "latin l for 1 in a phone": ("Звоните 8 9l3 l23-45-67", "l23"),
    "latin I for 1 in a phone": ("Звоните 8 913 I23-45-67", "913"),
    "latin O for 0 in a phone": ("Звоните 8 9O3 123-45-67", "123"),
}


@pytest.mark.parametrize("case", DISGUISED)
def test_disguised_personal_data_is_flagged_and_masked(case: str) -> None:
    text, secret = DISGUISED[case]

    verdict = classify(text)

    assert "personal_data" in verdict.categories
    assert secret not in verdict.text
