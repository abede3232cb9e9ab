"""How the CLI speaks: JSON for scripts, plain Russian text and tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TextIO

# Typer carries its own copy of click: its parse errors are these classes, not click's.
from typer._click import exceptions as click_errors

from domain.errors import RuleViolation

EXIT_BAD_INPUT = 2


def parse_date(field: str, text: str) -> date:
    """Read a date as people write it (04.12.2026) or as ISO (2026-12-04); raise naming the option."""
    try:
        if "." in text:
            return datetime.strptime(text, "%d.%m.%Y").date()
        return date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(
            field, f"«{text}» — не дата (ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)"
        ) from None


def ru_date(text: str | date | None, *, none: str = "—") -> str:
    """Print a date (or an ISO string of one) for people: ``04.12.2026``; JSON keeps ISO."""
    if text is None or text == "":
        return none
    day = text if isinstance(text, date) else date.fromisoformat(text)
    return day.strftime("%d.%m.%Y")


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


def stream_json(items: Iterable[Any], *, out: TextIO | None = None) -> None:
    """Print a JSON array one element a line, as the items come: constant memory.

    A named tuple (``StepView``, ...) is written as an object of its fields.
    Lines go out a thousand at a time: a write a line cost more than encoding it.
    """
    out = out or sys.stdout
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode  # the C encoder
    lines: list[str] = []
    separator = "[\n"
    for item in items:
        lines.append(encode(item._asdict() if hasattr(item, "_asdict") else item))
        if len(lines) == 1000:
            out.write(separator + ",\n".join(lines))
            separator = ",\n"
            lines.clear()
    if lines:
        out.write(separator + ",\n".join(lines))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def stream_lines(texts: Iterable[str], *, empty: str, out: TextIO | None = None) -> None:
    """Print texts for people as they come, a thousand at a time; ``empty`` when none came."""
    out = out or sys.stdout
    lines: list[str] = []
    printed = False
    for text in texts:
        lines.append(text)
        if len(lines) == 1000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
            printed = True
    if lines or not printed:
        out.write("\n".join(lines or [empty]) + "\n")


def fail(error: RuleViolation, *, as_json: bool) -> None:
    """Report bad input: to stderr always, as JSON on stdout too when asked."""
    print(f"ошибка: {error}", file=sys.stderr)
    if as_json:
        print(dump({"error": error.as_dict()}))


_CLICK_WORDS = (
    ("valid integer", "не целое число"),
    ("valid number", "не число"),
    ("less than or equal", "вне допустимого диапазона: слишком большое"),
    ("greater than or equal", "вне допустимого диапазона: меньше 1"),
    ("is not in the range", "вне допустимого диапазона"),
    ("is not one of", "не из допустимых значений"),
    ("requires an argument", "после параметра нужно значение"),
)


def usage_error(error: click_errors.UsageError) -> RuleViolation:
    """Name the field of a parse error, and say what is wrong in Russian."""
    if isinstance(error, click_errors.NoSuchOption):
        return RuleViolation(error.option_name, "нет такого параметра у этой команды")
    if isinstance(error, click_errors.BadOptionUsage):
        return RuleViolation(error.option_name, _russian(error.format_message()))
    if isinstance(error, click_errors.BadParameter) and error.param is None and error.param_hint:
        return RuleViolation(str(error.param_hint), error.message)
    if isinstance(error, click_errors.BadParameter) and error.param is not None:
        param = error.param
        if param.param_type_name == "argument":
            field = getattr(param, "metavar", None) or (param.name or "").upper()
        else:
            field = param.opts[0]
        if isinstance(error, click_errors.MissingParameter):
            return RuleViolation(field, "обязательный параметр не указан")
        return RuleViolation(field, f"неверное значение: {_russian(error.message)}")
    message = error.format_message()
    if message.startswith("No such command"):
        return RuleViolation("COMMAND", f"нет такой команды: {message.split(' ', 3)[-1]}")
    if error.ctx is not None and error.ctx.command_path:
        return RuleViolation(error.ctx.command_path, message)
    return RuleViolation("command", message)


def _russian(detail: str) -> str:
    for english, russian in _CLICK_WORDS:
        if english in detail:
            return f"{russian} ({detail})"
    return detail
