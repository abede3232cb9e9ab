"""Flag: one reason a comment may have to be removed (п. 2.5), with the words that matched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Category = Literal["obscene", "personal_data", "spam", "engagement"]
CATEGORIES: tuple[Category, ...] = ("obscene", "personal_data", "spam", "engagement")

CATEGORY_WORDS: dict[str, str] = {
    "obscene": "ненормативная лексика",
    "personal_data": "персональные данные граждан",
    "spam": "спам и реклама",
    "engagement": "просьбы о лайках, дружбе, голосах, опросах",
}

RULE_WORDS: dict[str, str] = {
    "obscene.lexicon": "мат по словарю python-obscene-words-filter",
    "obscene.extra": "мат, которого нет в словаре библиотеки",
    "obscene.masked": "мат, скрытый звёздочками",
    "personal_data.phone": "номер телефона",
    "personal_data.email": "адрес электронной почты",
    "personal_data.snils": "СНИЛС (контрольное число сходится)",
    "personal_data.inn": "ИНН гражданина, 12 цифр (контрольное число сходится)",
    "personal_data.ogrnip": "ОГРНИП, 15 цифр (контрольное число сходится)",
    "personal_data.passport": "серия и номер паспорта",
    "personal_data.address": "адрес с номером квартиры",
    "spam.links": "две и больше ссылок или упоминаний @",
    "spam.ad": "рекламная фраза",
    "spam.ad_link": "ссылка вне госсайтов рядом со словами продажи",
    "spam.repeated": "один и тот же комментарий три и больше раз",
    "engagement.request": "просьба: повелительная форма или «прошу», «давайте»",
    "engagement.mutual": "обмен лайками или подписками",
}


@dataclass(frozen=True, slots=True)
class Flag:
    """A matched rule: its category of п. 2.5, the fragment as srok may show it, the rule.

    ``fragment`` of a personal-data flag is already masked: that form is the only one
    that leaves this package (reports, logs, the CLI). ``start``/``end`` locate the
    fragment in the original text, for a moderator's view that may show it whole.
    """

    category: Category
    fragment: str
    rule: str
    start: int
    end: int

    def as_dict(self) -> dict[str, str]:
        return {"category": self.category, "fragment": self.fragment, "rule": self.rule}


_DIGIT = re.compile(r"\d")


def mask_digits(fragment: str, *, keep_last: int = 2) -> str:
    """Hide every digit but the last ``keep_last``: enough for a person to tell two apart."""
    total = len(_DIGIT.findall(fragment))
    seen = 0
    out = []
    for char in fragment:
        if char.isdigit():
            seen += 1
            out.append(char if seen > total - keep_last else "*")
        else:
            out.append(char)
    return "".join(out)


def mask_email(fragment: str) -> str:
    """Keep the first letter of the mailbox and the domain: ``i***@mail.ru``."""
    local, _, domain = fragment.partition("@")
    return f"{local[:1]}***@{domain}"


_MAILBOX = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_all(fragment: str) -> str:
    """Hide every digit and every mailbox: for a fragment that only overlaps personal data."""
    return _DIGIT.sub("*", _MAILBOX.sub(lambda m: mask_email(m.group()), fragment))


def mask_text(text: str, flags: list[Flag]) -> str:
    """Return ``text`` with every personal-data fragment replaced by its masked form."""
    out = text
    for flag in sorted(flags, key=lambda f: f.start, reverse=True):
        if flag.category == "personal_data":
            out = out[: flag.start] + flag.fragment + out[flag.end :]
    return out
