"""Citizens' personal data in comments (п. 2.5): phones, emails, СНИЛС, ИНН, ОГРНИП, passports,
addresses down to the flat. Every fragment leaves here masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import phonenumbers
from stdnum.ru import inn, ogrn

from moderation.flags import Flag, mask_digits, mask_email
from moderation.snils import is_valid_snils

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}", re.IGNORECASE)
SNILS = re.compile(r"(?<![\d-])\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}(?![\d-])")
# A citizen's ИНН has 12 digits and an individual entrepreneur's ОГРНИП 15; the 10-digit
# ИНН and 13-digit ОГРН belong to organisations, whose numbers are public, not personal.
NUMBER = re.compile(r"(?<![\d:/-])(?<!\d[.,])(?:\d{12}|\d{15})(?!\d|[.,:/-]\d)")
PASSPORT = re.compile(
    r"(?:паспорт\w*|серия)\D{0,25}?(\d{2}\s?\d{2})\s*(?:№|номер|н\.|,)?\s*(\d{6})(?!\d)",
    re.IGNORECASE,
)
# A house and a flat: «ул. Ленина, д. 5, кв. 12», «дом 5 квартира 12», «Прудская 14-37».
FLAT = re.compile(
    r"(?:(?:ул\.?|улиц[аеуы]|пр\.|пр-т|просп\.?|проспект[ае]?|пер\.?|переул[оке]{2}|мкр\.?|"
    r"микрорайон[ае]?)\s*[А-ЯЁ][\w.-]*(?:\s+[А-ЯЁ][\w.-]*)?,?\s*(?:д\.?|дом)?\s*\d+[а-я]?"
    r"\s*(?:[-/]\s*\d+|,?\s*(?:кв\.?|квартир[аеуы])\s*\d+)"
    r"|(?:д\.|дом)\s*\d+[а-я]?,?\s*(?:кв\.?|квартир[аеуы])\s*\d+"
    r"|(?:кв\.?|квартир[аеуы])\s*\d+,?\s*(?:д\.|дом[ае]?)\s*\d+[а-я]?)(?!\d)",
    re.IGNORECASE,
)
# «на Вагоностроительной 11-45»: a street without its marker, then house-flat.
FLAT_BARE = re.compile(
    r"(?<=\b[Нн]а\s)[А-ЯЁ][а-яё]+(?:ой|ая|ей|ого|ина|ова|ева)\s+\d{1,3}[а-я]?\s*-\s*\d{1,4}(?![\d:])"
)


def find(text: str) -> list[Flag]:
    """Flag each piece of personal data, longest claims first, one flag per span of text."""
    flags: list[Flag] = []
    if "@" not in text and not any(char.isdigit() for char in text):
        return flags  # every rule below needs a digit or a mailbox: most comments have neither
    for finder in (_passports, _emails, _addresses, _snils, _registry_numbers, _phones):
        for flag in finder(text):
            if not any(flag.start < f.end and f.start < flag.end for f in flags):
                flags.append(flag)
    return sorted(flags, key=lambda f: f.start)


def _flag(text: str, start: int, end: int, rule: str, mask: Callable[[str], str]) -> Flag:
    return Flag("personal_data", mask(text[start:end]), f"personal_data.{rule}", start, end)


# Letters typed for digits to slip a phone past a filter: «8 9l3 I23-45-67», «9O3». Same
# length, so a match's place in the read text is its place in the comment.
DIGIT_LOOKALIKES = str.maketrans(
    {"l": "1", "I": "1", "|": "1", "O": "0", "o": "0", "О": "0", "о": "0"}
)


def _phones(text: str) -> Iterator[Flag]:
    read = text.translate(DIGIT_LOOKALIKES)
    for match in phonenumbers.PhoneNumberMatcher(read, "RU"):
        yield _flag(read, match.start, match.end, "phone", mask_digits)


def _emails(text: str) -> Iterator[Flag]:
    for match in EMAIL.finditer(text):
        yield _flag(text, match.start(), match.end(), "email", mask_email)


def _snils(text: str) -> Iterator[Flag]:
    for match in SNILS.finditer(text):
        if is_valid_snils(re.sub(r"\D", "", match.group())):
            yield _flag(text, match.start(), match.end(), "snils", mask_digits)


def _registry_numbers(text: str) -> Iterator[Flag]:
    for match in NUMBER.finditer(text):
        digits = match.group()
        if len(digits) == 12 and inn.is_valid(digits):
            yield _flag(text, match.start(), match.end(), "inn", mask_digits)
        elif len(digits) == 15 and ogrn.is_valid(digits):
            yield _flag(text, match.start(), match.end(), "ogrnip", mask_digits)


def _passports(text: str) -> Iterator[Flag]:
    for match in PASSPORT.finditer(text):
        yield _flag(text, match.start(1), match.end(2), "passport", mask_digits)


def _addresses(text: str) -> Iterator[Flag]:
    for match in [*FLAT.finditer(text), *FLAT_BARE.finditer(text)]:
        yield _flag(
            text, match.start(), match.end(), "address", lambda s: mask_digits(s, keep_last=0)
        )
