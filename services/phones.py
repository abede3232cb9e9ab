"""Phone numbers as п. 2.4 compares them: E.164, whatever way a page wrote them.

«8 (38532) 2-11-11», «+7 38532 21111» and «83853221111» are one number.
phonenumbers (Google's libphonenumber) reads them with Russia as the default
region; it lives here, outside the pure domain.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

REGION = "RU"


def normalise_phone(text: str | None) -> str | None:
    """Return the number in E.164 (``+73853221111``), or None if the text is not a number."""
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones_in(text: str, fields: Iterable[str] = ()) -> frozenset[str]:
    """Return every number in free text and in contact fields, in E.164."""
    found = {
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text, REGION)
    }
    found |= {n for n in (normalise_phone(f) for f in fields) if n}
    return frozenset(found)
