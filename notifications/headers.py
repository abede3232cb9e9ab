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


def encoded_words(text: str, *, first_budget: int = ENCODED_WORD_LIMIT) -> list[str]:
    """Cut ``text`` into base64 encoded-words, the first at most ``first_budget`` long.

    Each word takes as many whole characters as fit: base64 writes 4 characters
    for every 3 bytes, so a budget of B holds 3 * ((B - delimiters) // 4) bytes,
    cut back to the start of a UTF-8 character (never less than one character).
    """
    data = text.encode("utf-8")
    words: list[str] = []
    start, budget = 0, min(first_budget, ENCODED_WORD_LIMIT)
    while start < len(data) or not words:
        end = min(len(data), start + 3 * ((budget - _OVERHEAD) // 4))
        while start < end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        if end <= start:  # not even one character fits: it goes alone
            end = start + 1
            while end < len(data) and data[end] & 0xC0 == 0x80:
                end += 1
        words.append(_PREFIX + base64.b64encode(data[start:end]).decode("ascii") + _SUFFIX)
        start, budget = end, ENCODED_WORD_LIMIT
    return words


def fold_header(name: str, value: str, linesep: str) -> str:
    """Write ``name: value`` as header lines: plain when short ASCII, else encoded-words.

    ASCII that looks like an encoded-word (an organ named «=?...?=») is encoded too,
    so a reader cannot decode what was typed.
    """
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header value cannot hold a line break")
    prefix = f"{name}: "
    if value.isascii() and len(prefix) + len(value) <= LINE_LIMIT and "=?" not in value:
        return prefix + value + linesep
    words = encoded_words(value, first_budget=LINE_LIMIT - len(prefix))
    return prefix + (linesep + " ").join(words) + linesep
