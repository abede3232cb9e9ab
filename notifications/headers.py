"""Russian header text as RFC 2047 encoded-words that every mail client reads back whole.

An encoded-word may be at most 75 characters and a header line that holds one at most
76 (RFC 2047, section 2). Some servers and clients mangle longer ones, so a Russian
subject is cut into several encoded-words on character boundaries. The spaces between
words are kept *inside* the encoded text: whitespace between two encoded-words is
ignored by readers, which is how CPython's own folder once lost them («уведомитьотдел»).
"""

from __future__ import annotations

import base64
from typing import Any

ENCODED_WORD_LIMIT = 75  # RFC 2047: the whole encoded-word, delimiters included
LINE_LIMIT = 76  # RFC 2047: a header line that contains an encoded-word
_PREFIX, _SUFFIX = "=?utf-8?b?", "?="


def _encoded(chunk: str) -> str:
    return _PREFIX + base64.b64encode(chunk.encode("utf-8")).decode("ascii") + _SUFFIX


def encoded_words(text: str, *, first_budget: int = ENCODED_WORD_LIMIT) -> list[str]:
    """Cut ``text`` into base64 encoded-words, the first at most ``first_budget`` long."""
    words: list[str] = []
    chunk = ""
    budget = min(first_budget, ENCODED_WORD_LIMIT)
    for char in text:
        if chunk and len(_encoded(chunk + char)) > budget:
            words.append(_encoded(chunk))
            chunk, budget = "", ENCODED_WORD_LIMIT
        chunk += char
    if chunk or not words:
        words.append(_encoded(chunk))
    return words


class EncodedHeader(str):
    """A header value that folds itself into short encoded-words when it is not ASCII.

    ``email.policy.EmailPolicy`` hands a value with a matching ``name`` to its own
    ``fold``, so the message generator writes exactly these lines.
    """

    name: str

    def __new__(cls, name: str, value: str) -> EncodedHeader:
        if "\r" in value or "\n" in value:
            raise ValueError(f"{name}: a header value cannot hold a line break")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: Any) -> str:
        prefix = f"{self.name}: "
        if self.isascii() and len(prefix) + len(self) <= LINE_LIMIT:
            return prefix + str(self) + policy.linesep
        words = encoded_words(str(self), first_budget=LINE_LIMIT - len(prefix))
        return prefix + (policy.linesep + " ").join(words) + policy.linesep
