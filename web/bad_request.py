"""Say in Russian what was wrong with a request FastAPI refused before any route ran.

Pydantic and Starlette word their refusals in English («Field required»,
«Not Found»); a user reads only Russian, and a script wants the field named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Pydantic's error types, as a user would be told them.
_MESSAGES = {
    "missing": "не заполнено",
    "json_invalid": "тело запроса — не JSON",
    "model_attributes_type": "ожидается объект JSON с полями",
    "dict_type": "ожидается объект JSON с полями",
    "list_type": "ожидается список",
    "string_type": "ожидается строка",
    "int_type": "ожидается целое число",
    "int_parsing": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "greater_than_equal": "такого номера нет",
    "less_than_equal": "такого номера нет",
    "string_pattern_mismatch": "недопустимое значение",
    "bool_parsing": "ожидается да или нет (true/false)",
}

_STATUS = {
    400: "Тело запроса не читается: ожидается JSON в кодировке UTF-8.",
    404: "Такой страницы нет.",
    405: "Этот метод здесь не принимается.",
    413: "Запрос слишком большой.",
}


def field_and_message(errors: Sequence[Mapping[str, Any]]) -> tuple[str | None, str]:
    """Return the first error's field (``body`` for the body as a whole) and its Russian text."""
    first = errors[0] if errors else {}
    kind = str(first.get("type", ""))
    loc = [str(p) for p in first.get("loc", ())]
    if kind == "json_invalid" or loc in (["body"], []):
        field: str | None = "body" if loc[:1] == ["body"] else None
    else:
        field = ".".join(loc[1:]) or None
    return field, _MESSAGES.get(kind, "недопустимое значение")


def status_message(status: int, detail: object) -> str:
    """Keep a route's own (Russian) detail; replace Starlette's English defaults."""
    text = str(detail)
    if status in _STATUS and not any("а" <= ch.lower() <= "я" for ch in text):
        return _STATUS[status]
    return text
