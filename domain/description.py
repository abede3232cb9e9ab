"""п. 2.4: the account's description gives the organ's name, postal address, email and phone.

«Описание аккаунта должно содержать официальное наименование органа, почтовый
адрес, адрес электронной почты (при наличии) и номер телефона для справок»
(п. 2.4). srok compares what the network shows with the organ's record:

- the name must appear in the description's text, word for word once quotes,
  case, «ё», punctuation and the abbreviations «г.», «ул.», «д.» are set aside,
  and vowel endings too, so «страница комитета по культуре» names «Комитет по
  культуре» (a crude stem: no morphology library in the domain);
  the account's title alone does not count: п. 2.4 speaks of the description;
- the address counts when every word and number of the record's address
  (index, region, city, street, house) is in the description, the words for
  "city", "street", "house" aside;
- the email counts when the record's email is there, case aside; an organ with
  no email in its record needs none (п. 2.4 «при наличии»);
- the phone counts when one of the numbers in the description is the record's
  phone; numbers arrive here already normalised (E.164) by services, since the
  phone library lives outside the domain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

ACCOUNT_DESCRIPTION = "2.4"
FIELDS = ("name", "address", "email", "phone")
FIELD_WORDS = {
    "name": "официальное наименование органа",
    "address": "почтовый адрес",
    "email": "адрес электронной почты",
    "phone": "телефон для справок",
}
_QUOTES = "«»\"'„“”‘’`"
_ABBREVIATIONS = {
    "г": "город",
    "гор": "город",
    "ул": "улица",
    "д": "дом",
    "пр": "проспект",
    "пр-т": "проспект",
    "просп": "проспект",
    "пер": "переулок",
    "пл": "площадь",
    "обл": "область",
    "каб": "кабинет",
    "оф": "офис",
}
# Words of an address that say what a part is, not which: not required to match.
_VOWEL_ENDINGS = "аеиоуыэюяйь"
_ADDRESS_KINDS = ("город", "улица", "дом", "проспект", "переулок", "площадь", "россия", "рф")
_TOKEN = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def words(text: str) -> list[str]:
    """Split text into compared words: NFKC, case-folded, ё as е, quotes and dots gone."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    for quote in _QUOTES:
        text = text.replace(quote, " ")
    return [_stem(_ABBREVIATIONS.get(token, token)) for token in _TOKEN.findall(text)]


def _stem(word: str) -> str:
    """Drop up to two final vowels (комитета, культуре, Новоалтайска): Russian endings."""
    for _ in range(2):
        if len(word) > 4 and word[-1] in _VOWEL_ENDINGS:
            word = word[:-1]
    return word


def _shown_words(text: str) -> list[str]:
    """The words of ``text`` as written, for messages."""
    return re.findall(r"[0-9A-Za-zА-Яа-яЁё]+(?:-[0-9A-Za-zА-Яа-яЁё]+)*", text)


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


@dataclass(frozen=True)
class OrganRecord:
    """What srok knows of the organ: the reference the description is compared with."""

    name: str
    postal_address: str | None
    email: str | None
    phone: str | None  # E.164, or None when the record has none or it is not a number


@dataclass(frozen=True)
class DescriptionSeen:
    """What the network shows, reduced to what п. 2.4 compares."""

    text: str  # every free-text field, joined
    phones: frozenset[str]  # E.164 numbers found in the text and the contact fields
    emails: frozenset[str] = frozenset()  # from the contact fields; the text is searched too


@dataclass(frozen=True)
class DescriptionCheck:
    """The result of п. 2.4 for one account: what is missing, each with the reason in words."""

    missing: tuple[str, ...]
    details: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing


def compare_description(seen: DescriptionSeen, record: OrganRecord) -> DescriptionCheck:
    """Say which of name, address, email and phone the description lacks (п. 2.4)."""
    text_words = words(seen.text)
    details: dict[str, str] = {}

    if not _contains_run(text_words, words(record.name)):
        details["name"] = f"в описании нет наименования «{record.name}»"

    if record.postal_address:
        present = set(text_words)
        kinds = set(words(" ".join(_ADDRESS_KINDS)))
        absent = [
            shown
            for shown in _shown_words(record.postal_address)
            if (stem := words(shown)[0]) not in kinds and stem not in present
        ]
        if absent:
            details["address"] = (
                f"в описании нет адреса «{record.postal_address}» (не найдено: {', '.join(absent)})"
            )
    else:
        details["address"] = "в записи органа нет почтового адреса: сравнить не с чем"

    emails = {e.casefold() for e in _emails(seen.text, seen.emails)}
    # What the description gives instead is counted, never quoted: a contact field may
    # hold a specialist's own number or mailbox (п. 3.3 абзац 5).
    if record.email and record.email.casefold() not in emails:
        details["email"] = f"в описании нет адреса {record.email}{_others(len(emails))}"

    if record.phone:
        if record.phone not in seen.phones:
            others = _others(len(seen.phones))
            details["phone"] = f"в описании нет телефона {record.phone}{others}"
    elif not seen.phones:
        details["phone"] = "в описании нет телефона, и в записи органа его нет"

    missing = tuple(f for f in FIELDS if f in details)
    return DescriptionCheck(missing=missing, details=details)


def _others(count: int) -> str:
    return f" (указаны другие: {count})" if count else ""


def _emails(text: str, fields: Iterable[str]) -> set[str]:
    return set(EMAIL.findall(text)) | {f.strip() for f in fields if f.strip()}
