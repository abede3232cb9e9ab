"""How the CLI speaks: JSON for scripts, plain Russian text and tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from domain.errors import RuleViolation

EXIT_BAD_INPUT = 2


def parse_date(field: str, text: str) -> date:
    """Read an ISO date or raise naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(field, f"«{text}» — не дата (ожидается ГГГГ-ММ-ДД)") from None


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def emit(data: Any, *, as_json: bool, human: Callable[[], None] | str | None = None) -> None:
    """Print ``data`` as JSON, or the human form."""
    if as_json:
        print(dump(data))
    elif callable(human):
        human()
    elif human is not None:
        print(human)


def stream_json(items: Iterable[Any]) -> None:
    """Print a JSON array one element a line, as the items come: constant memory."""
    out = sys.stdout
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode  # the C encoder
    first = True
    out.write("[")
    for item in items:
        out.write("\n" if first else ",\n")
        out.write(encode(item))
        first = False
    out.write("\n]\n" if not first else "]\n")


def fail(error: RuleViolation, *, as_json: bool) -> None:
    """Report bad input: to stderr always, as JSON on stdout too when asked."""
    print(f"ошибка: {error}", file=sys.stderr)
    if as_json:
        print(dump({"error": error.as_dict()}))
