"""Text people type into srok: refused when it hides control characters, compared by meaning.

A control character in a name or an address is never what the person meant to
record, and in a terminal it can rewrite the screen (an escape sequence in an
organ's name would clear `srok status`). So every text field is checked where
it enters, and refused rather than silently changed: the person sees what was
wrong and types it again.
"""

from __future__ import annotations

import unicodedata

from domain.errors import RuleViolation

# Invisible characters that reorder or hide text (bidirectional overrides and
# isolates, zero-width joiners aside): a name shown backwards is a forgery.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# Longer than any name, position or address a person types: a paste gone wrong or an attack,
# which would otherwise land in the Registry, the letters and the published pages.
MAX_TEXT = 1000


def _bad_character(value: str) -> str | None:
    for ch in value:
        if unicodedata.category(ch) == "Cc" or ch in _BIDI:
            return f"U+{ord(ch):04X}"
    return None


def clean_text(
    field: str, value: str | None, *, clause: str | None, required: bool = False
) -> str | None:
    """Return ``value`` trimmed; refuse control characters; refuse an empty required value."""
    if value is None:
        if required:
            raise RuleViolation(field, "не может быть пустым", clause)
        return None
    if len(value) > MAX_TEXT:
        raise RuleViolation(
            field, f"длиннее {MAX_TEXT} символов ({len(value)}): сократите значение", clause
        )
    bad = _bad_character(value)
    if bad is not None:
        raise RuleViolation(
            field,
            f"содержит управляющий символ {bad} (перевод строки, табуляция, escape-код): "
            "введите значение одной строкой без них",
            clause,
        )
    cleaned = " ".join(value.split())  # no-break and repeated spaces become one space
    if required and not cleaned:
        raise RuleViolation(field, "не может быть пустым", clause)
    return cleaned or None


def name_key(name: str) -> str:
    """Reduce an official name to what tells two organs apart.

    Unicode NFKC (so a no-break space or a full-width letter is the plain one),
    case folded, runs of spaces as one, trimmed: «Комитет  по\u00a0культуре» and
    «КОМИТЕТ ПО КУЛЬТУРЕ» are the same organ (п. 1.5 is counted per organ).
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
