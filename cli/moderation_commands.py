"""`srok moderation classify`: try the п. 2.5 comment rules on text, one comment a line."""

from __future__ import annotations

import sys
from collections import Counter

import typer

from cli.app import JsonFlag, guard
from cli.output import stream_json
from domain.errors import RuleViolation

moderation_app = typer.Typer(
    help="Модерация комментариев (п. 2.5): что Порядок велит удалять.", no_args_is_help=True
)


def _read_comments() -> list[str]:
    """Read standard input as UTF-8, one comment a line; blank lines are no comment."""
    if sys.stdin is None or sys.stdin.isatty():
        raise RuleViolation(
            "stdin", "подайте комментарии на стандартный ввод, по одному в строке", "2.5"
        )
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RuleViolation(
            "stdin",
            f"не текст UTF-8: строка {line}, байт {error.start + 1} (0x{raw[error.start]:02x}); "
            "сохраните комментарии в кодировке UTF-8",
            "2.5",
        ) from None
    return [line for line in text.removeprefix("\ufeff").splitlines() if line.strip()]


@moderation_app.command("classify")
def classify(as_json: JsonFlag = False) -> None:
    """Отметить комментарии со стандартного ввода по категориям п. 2.5.

    Категории: ненормативная лексика, персональные данные граждан, спам и реклама,
    просьбы о лайке, дружбе, голосе, опросе. Персональные данные печатаются скрытыми.
    Решает человек: srok ничего не удаляет.
    """
    from moderation.classifier import classify_many
    from moderation.flags import CATEGORY_WORDS, RULE_WORDS

    with guard(as_json):
        comments = _read_comments()
    verdicts = classify_many(comments)
    if as_json:
        stream_json(verdict.as_dict() for verdict in verdicts)
        return
    counts: Counter[str] = Counter()
    flagged = 0
    for number, verdict in enumerate(verdicts, start=1):
        if not verdict.flags:
            continue
        flagged += 1
        counts.update(verdict.categories)
        print(f"{number}: {verdict.text}")
        for flag in verdict.flags:
            print(
                f"    {CATEGORY_WORDS[flag.category]}: «{flag.fragment}» — "
                f"{RULE_WORDS[flag.rule]} ({flag.rule})"
            )
    summary = "; ".join(f"{CATEGORY_WORDS[c]} — {n}" for c, n in sorted(counts.items()))
    print(
        f"комментариев: {len(comments)}, отмечено: {flagged}" + (f" ({summary})" if summary else "")
    )


def register(app: typer.Typer) -> None:
    app.add_typer(moderation_app, name="moderation")
