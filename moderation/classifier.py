"""Classify comments by the categories of п. 2.5 that a program can judge.

Conflict-provoking, defamatory or off-topic comments and unverified claims about
officials are not guessed: a moderator files a comment under them by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from moderation import engagement, obscene, personal_data, spam
from moderation.flags import Flag, mask_all, mask_text


@dataclass(frozen=True, slots=True)
class Verdict:
    """A comment and its flags; ``text`` is the form srok may show: personal data masked."""

    text: str
    flags: tuple[Flag, ...]

    @property
    def categories(self) -> set[str]:
        return {flag.category for flag in self.flags}

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "flags": [flag.as_dict() for flag in self.flags]}


# Characters that print nothing: a zero-width space inside a mailbox hid it from the rules
# (and so from masking). They are read out of the text; the masked form is without them.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def classify(text: str, *, copies: int = 1) -> Verdict:
    """Flag one comment; ``copies`` is how many times the same text was seen (for spam)."""
    text = INVISIBLE.sub("", text)
    private = personal_data.find(text)
    flags = [
        *obscene.find(text),
        *private,
        *spam.find(text, copies=copies),
        *engagement.find(text),
    ]
    # A mailbox or a site that is personal data is not counted a second time as spam.
    flags = [
        f
        for f in flags
        if f.category == "personal_data"
        or f.rule == "spam.repeated"
        or not any(p.start <= f.start < p.end for p in private)
    ]
    flags.sort(key=lambda f: (f.start, f.category))
    shown = mask_text(text, private)
    return Verdict(shown, tuple(_shown(f, private, shown) for f in flags))


def _shown(flag: Flag, private: list[Flag], shown: str) -> Flag:
    """Mask any other flag that overlaps personal data: a link with a phone in it, a repeat."""
    if flag.category == "personal_data":
        return flag
    if flag.rule == "spam.repeated" and private:
        return Flag(flag.category, shown.strip(), flag.rule, flag.start, flag.end)
    if any(p.start < flag.end and flag.start < p.end for p in private):
        return Flag(flag.category, mask_all(flag.fragment), flag.rule, flag.start, flag.end)
    return flag


def classify_many(texts: Iterable[str]) -> Iterator[Verdict]:
    """Classify a batch in order, counting repeats across the whole batch."""
    batch = list(texts)
    copies = Counter(spam.repeat_key(text) for text in batch)
    for text in batch:
        yield classify(text, copies=copies[spam.repeat_key(text)])
