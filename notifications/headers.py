"""Russian header text as RFC 2047 encoded-words that every mail client reads back whole.

An encoded-word may be at most 75 characters and a header line that holds one at most
76 (RFC 2047, section 2). Some servers and clients mangle longer ones, so a Russian
subject is cut into several encoded-words on character boundaries. The spaces between
words are kept *inside* the encoded text: whitespace between two encoded-words is
ignored by readers, which is how CPython's own folder once lost them («уведомитьотдел»).
Letters are written by notifications/mime.py, which folds its Subject here.
"""

from __future__ import annotations

import base64

ENCODED_WORD_LIMIT = 75  # RFC 2047: the whole encoded-word, delimiters included
LINE_LIMIT = 76  # RFC 2047: a header line that contains an encoded-word
_PREFIX, _SUFFIX = "=?utf-8?b?", "?="
_OVERHEAD = len(_PREFIX) + len(_SUFFIX)


def _encoded(chunk: str) -> str:
    return _PREFIX + base64.b64encode(chunk.encode("utf-8")).decode("ascii") + _SUFFIX


def encoded_words(text: str, *, first_budget: int = ENCODED_WORD_LIMIT) -> list[str]:
    """Cut ``text`` into base64 encoded-words, the first at most ``first_budget`` long."""
    words: list[str] = []
    chunk, size = "", 0  # size: the chunk's length in UTF-8 bytes
    budget = min(first_budget, ENCODED_WORD_LIMIT)
    for char in text:
        grown = size + len(char.encode("utf-8"))
        if chunk and _OVERHEAD + 4 * ((grown + 2) // 3) > budget:  # base64: 4 per 3 bytes
            words.append(_encoded(chunk))
            chunk, size, budget = "", 0, ENCODED_WORD_LIMIT
            grown = len(char.encode("utf-8"))
        chunk, size = chunk + char, grown
    if chunk or not words:
        words.append(_encoded(chunk))
    return words


def fold_header(name: str, value: str, linesep: str) -> str:
    """Write ``name: value`` as header lines: plain when short ASCII, else encoded-words."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header value cannot hold a line break")
    prefix = f"{name}: "
    if value.isascii() and len(prefix) + len(value) <= LINE_LIMIT:
        return prefix + value + linesep
    words = encoded_words(value, first_budget=LINE_LIMIT - len(prefix))
    return prefix + (linesep + " ").join(words) + linesep
