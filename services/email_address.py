"""The one check of an email address, wherever one enters srok (a person, an organ, a setting).

A real parser (email-validator), not a search for "@": a comma or a semicolon
(two recipients), a second "@", a space, a line break (a forged header such as
``Bcc:``) or a display name would otherwise reach a letter's headers, where one
bad address stops every reminder after it. Deliverability is not asked (no DNS
lookups: the Administration's network may have none); the reserved ``.invalid``
and ``.local`` domains are allowed, for rehearsals and for an internal mail
domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import ModuleType

from domain.errors import RuleViolation
from domain.text import clean_text


@cache
def _validator() -> ModuleType:
    """Import email-validator when an address is first checked (it costs ~0.15 s to import)."""
    import email_validator

    # email-validator documents this list as the caller's to change.
    for allowed in ("invalid", "local"):
        if allowed in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(allowed)
    return email_validator


# email-validator explains in English; the people who read srok's messages read Russian.
_REASONS = (
    ("must have an @-sign", "нет знака @"),
    ("display name", "укажите только адрес, без имени и угловых скобок"),
    ("something before the @-sign", "нет имени до знака @"),
    ("something after the @-sign", "нет домена после знака @"),
    ("should have a period", "в домене после @ нет точки"),
    ("too long", "адрес слишком длинный"),
    ("invalid characters", "недопустимые символы"),
    ("special-use or reserved", "зарезервированный домен"),
)


def _reason(error: Exception) -> str:
    text = str(error)
    for marker, russian in _REASONS:
        if marker in text:
            if marker == "invalid characters":
                return f"{russian}: {text.rsplit(':', 1)[-1].strip().rstrip('.')}"
            return russian
    return "неверная запись адреса"


def check_email(field: str, value: str, *, clause: str | None) -> str:
    """Return one email address in its normal form, or raise naming ``field`` and ``clause``.

    The message never repeats the address: a specialist's email is personal data
    (п. 3.3 абзац 5) and error texts end up in logs.
    """
    text = clean_text(field, value, clause=clause, required=True) or ""
    if any(ch in text for ch in ",;"):
        raise RuleViolation(field, "укажите один адрес электронной почты (без «,» и «;»)", clause)
    validator = _validator()
    try:
        checked = validator.validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except validator.EmailNotValidError as exc:
        raise RuleViolation(field, f"не адрес электронной почты: {_reason(exc)}", clause) from None
    return checked.normalized


def optional_email(field: str, value: str | None, *, clause: str | None) -> str | None:
    """Check an address that may be absent (None or blank)."""
    if value is None or not value.strip():
        return None
    return check_email(field, value, clause=clause)


def env_email(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """Read an address from the environment, checked as it is read; the variable is the field."""
    value = env.get(name)
    if value is None or not value.strip():
        return default
    return check_email(name, value, clause=None)
