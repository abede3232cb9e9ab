"""п. 2.4: what the description must give, compared tolerant of quotes, case, «г.» and endings."""

from __future__ import annotations

import pytest

from domain.description import DescriptionSeen, OrganRecord, compare_description, words

RECORD = OrganRecord(
    name="Комитет по культуре Администрации г. Новоалтайска",
    postal_address="658080, Алтайский край, г. Новоалтайск, ул. Октябрьская, д. 29",
    email="kultura@novoaltaysk.ru",
    phone="+73853221111",
)
FULL = (
    "Официальная страница «Комитета по культуре администрации города Новоалтайска». "
    "658080, Алтайский край, город Новоалтайск, улица Октябрьская, 29. "
    "Почта: KULTURA@Novoaltaysk.ru"
)


def seen(text: str, *phones: str) -> DescriptionSeen:
    return DescriptionSeen(text=text, phones=frozenset(phones))


def test_a_complete_description_is_ok_despite_quotes_case_and_abbreviations() -> None:
    result = compare_description(seen(FULL, "+73853221111"), RECORD)

    assert result.ok
    assert result.missing == ()


def test_a_description_without_the_phone_names_the_phone_only() -> None:
    result = compare_description(seen(FULL), RECORD)

    assert result.missing == ("phone",)
    assert "+73853221111" in result.details["phone"]


def test_a_different_phone_is_counted_but_never_quoted_it_may_be_a_specialists_own() -> None:
    result = compare_description(seen(FULL, "+73853229999"), RECORD)

    assert result.missing == ("phone",)
    assert "указаны другие: 1" in result.details["phone"]
    assert "9999" not in result.details["phone"]


def test_an_empty_description_lacks_everything_in_the_clause_order() -> None:
    assert compare_description(seen(""), RECORD).missing == ("name", "address", "email", "phone")


def test_the_title_alone_does_not_give_the_name() -> None:
    result = compare_description(
        seen("Культура Новоалтайска. " + FULL.split("». ")[1], "+73853221111"), RECORD
    )

    assert result.missing == ("name",)


def test_an_address_missing_the_house_names_what_is_missing() -> None:
    text = FULL.replace(", 29", "")

    result = compare_description(seen(text, "+73853221111"), RECORD)

    assert result.missing == ("address",)
    assert "не найдено: 29" in result.details["address"]


def test_an_organ_without_email_needs_none() -> None:
    record = OrganRecord(RECORD.name, RECORD.postal_address, None, RECORD.phone)

    assert compare_description(seen(FULL.split("Почта")[0], "+73853221111"), record).ok


def test_an_email_in_the_contact_fields_counts() -> None:
    text = FULL.split("Почта")[0]
    result = compare_description(
        DescriptionSeen(text, frozenset({"+73853221111"}), frozenset({"Kultura@novoaltaysk.ru"})),
        RECORD,
    )

    assert result.ok


def test_an_organ_record_without_an_address_cannot_be_compared_and_says_so() -> None:
    record = OrganRecord(RECORD.name, None, RECORD.email, RECORD.phone)

    result = compare_description(seen(FULL, "+73853221111"), record)

    assert result.missing == ("address",)
    assert "в записи органа нет почтового адреса" in result.details["address"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Комитет «Культура»", 'комитет "культура"'),
        ("г. Новоалтайск", "город Новоалтайск"),
        ("Объём", "ОБЪЕМ"),
        ("комитета по культуре", "Комитет по культуре"),
    ],
)
def test_words_ignore_quotes_case_yo_abbreviations_and_vowel_endings(a: str, b: str) -> None:
    assert words(a) == words(b)
