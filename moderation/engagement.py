"""Requests to befriend, like, rate, comment, vote or take part in a poll (п. 2.5).

The words are matched in any form: pymorphy3 lists every form of each verb and noun
once, at first use, so matching a comment is a dictionary lookup per word. A verb
counts when it asks: an imperative («проголосуйте», «поставь»), a first person plural
that calls to act («голосуем»), or an infinitive after «прошу», «давайте» and the like.
A question («как проголосовать?») or a report («я проголосовала») is not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from moderation.flags import Flag

# Verbs that are a request on their own.
ALONE = ("проголосовать", "голосовать", "лайкнуть", "лайкать", "полайкать", "репостнуть")
ALONE_EXTRA = {"репостните": "репостнуть", "репостни": "репостнуть", "лайкаем": "лайкать"}
# Verbs that ask only together with one of their objects.
PAIRS: dict[str, tuple[str, ...]] = {
    "поставить": ("лайк", "лайкос", "класс", "сердечко", "оценка", "звезда", "плюс"),
    "ставить": ("лайк", "лайкос", "класс", "сердечко", "оценка", "звезда", "плюс"),
    "кинуть": ("лайк", "лайкос", "класс", "голос"),
    "кидать": ("лайк", "лайкос", "класс", "голос"),
    "накидать": ("лайк", "лайкос", "класс"),
    "добавить": ("друг", "друзья"),
    "добавлять": ("друг", "друзья"),
    "добавиться": ("друг", "друзья"),
    "добавляться": ("друг", "друзья"),
    "го": ("друг", "друзья"),
    "принять": ("опрос", "анкетирование", "голосование"),
    "пройти": ("опрос", "анкета", "анкетирование"),
    "участвовать": ("опрос", "голосование", "анкетирование"),
    "поучаствовать": ("опрос", "голосование", "анкетирование"),
    "отдать": ("голос",),
    "поддержать": ("лайк", "голос", "репост", "класс"),
    "оценить": ("пост", "запись", "фото", "фотография", "видео", "ролик", "канал", "страница"),
    "прокомментировать": ("пост", "запись", "фото", "видео", "ролик"),
    "комментировать": ("пост", "запись", "фото", "видео", "ролик"),
}
OBJECT_WINDOW = 4  # words between a verb and its object: «примите, пожалуйста, участие в опросе»
ASKING = frozenset(
    ("прошу", "просим", "просьба", "пожалуйста", "давайте", "давай", "помогите", "призываю")
)
MUTUAL = re.compile(
    r"\b(?:лайк\s+за\s+лайк|взаимн\w+\s+(?:лайк\w*|подписк\w*|добавлени\w*)|взаимолайк\w*)",
    re.IGNORECASE,
)
WORD = re.compile(r"[а-яёa-z]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Form:
    lemma: str
    asks: bool  # imperative or first person plural
    infinitive: bool


@cache
def forms() -> dict[str, tuple[Form, ...]]:
    """Every form of every verb and noun above, by its spelling (ё as е)."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    table: dict[str, set[Form]] = {}
    objects = {noun for nouns in PAIRS.values() for noun in nouns}
    for lemma in {*ALONE, *PAIRS, *objects}:
        parse = next(
            (p for p in morph.parse(lemma) if p.normal_form == lemma.replace("ё", "е")), None
        )
        spellings = [(lemma, None)] if parse is None else [(f.word, f.tag) for f in parse.lexeme]
        for word, tag in spellings:
            asks = tag is not None and ("impr" in tag or {"1per", "plur"} in tag)
            infinitive = tag is not None and "INFN" in tag
            key = word.replace("ё", "е")
            table.setdefault(key, set()).add(Form(lemma, asks, infinitive))
    for word, lemma in ALONE_EXTRA.items():
        table.setdefault(word, set()).add(Form(lemma, True, False))
    table.setdefault("го", set()).add(Form("го", True, False))
    return {word: tuple(found) for word, found in table.items()}


def find(text: str) -> list[Flag]:
    """Flag each request to like, befriend, rate, comment, vote or take part in a poll."""
    table = forms()
    tokens = [
        (m.group().lower().replace("ё", "е"), m.start(), m.end()) for m in WORD.finditer(text)
    ]
    flags = [
        Flag("engagement", m.group(), "engagement.mutual", m.start(), m.end())
        for m in MUTUAL.finditer(text)
    ]
    for i, (word, start, end) in enumerate(tokens):
        asked = any(t[0] in ASKING for t in tokens[max(0, i - 2) : i])
        for form in table.get(word, ()):
            if not (form.asks or (form.infinitive and asked)):
                continue
            if form.lemma in ALONE:
                flags.append(Flag("engagement", text[start:end], "engagement.request", start, end))
                break
            wanted = PAIRS.get(form.lemma, ())
            near = tokens[i + 1 : i + 1 + OBJECT_WINDOW]
            hit = next(
                (t for t in near if any(f.lemma in wanted for f in table.get(t[0], ()))), None
            )
            if hit:
                flags.append(
                    Flag("engagement", text[start : hit[2]], "engagement.request", start, hit[2])
                )
                break
    return flags
