"""`srok moderation classify`: try the п. 2.5 comment rules on text, one comment a line."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime
from typing import Annotated

import typer

from cli.app import ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import dump, stream_json
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


OrganOption = Annotated[
    int | None, typer.Option("--organ", metavar="ID", help="Только этот орган.", **ID_RANGE)
]


@moderation_app.command("sync")
def sync(
    organ: OrganOption = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            metavar="ДНЕЙ",
            help="Публикации скольких последних дней читать (SROK_MODERATION_DAYS, по умолчанию 14).",
            min=1,
            max=90,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Прочитать новые комментарии в аккаунтах, сохранить каждый один раз и отметить по п. 2.5.

    Правки и удаления в сети замечаются; отмеченные комментарии встают в очередь
    (srok moderation list). Тексты комментариев не печатаются.
    """
    from services.moderation_sync import days_setting, sync_instant
    from services.moderation_sync import sync as run_sync
    from services.network_clients import open_clients

    with guard(as_json):
        application = srok()
        window = days or days_setting()
        clients = open_clients()
        try:
            report = run_sync(
                app=application,
                clients=clients,
                now=sync_instant(application),
                days=window,
                organ_id=organ,
            )
        finally:
            clients.close()
    if as_json:
        print(dump(report.as_dict()))
        return
    for line in report.accounts:
        head = f"аккаунт {line.account_id} ({line.url}): "
        if line.problem and not line.posts:
            print(head + f"не проверено — {line.problem}")
            continue
        print(
            head + f"публикаций {line.posts}, комментариев {line.read}, новых {line.new}, "
            f"изменённых {line.edited}, удалённых в сети {line.deleted}, в очередь {line.flagged}"
            + (f"; прервано — {line.problem}" if line.problem else "")
        )
    print(
        f"за {report.days} дн.: новых комментариев {report.total('new')}, "
        f"в очередь {report.total('flagged')}, изменённых {report.total('edited')}, "
        f"удалённых в сети {report.total('deleted')}"
    )


def _waited(published: datetime, now: datetime) -> str:
    hours = max(0, int((now - published).total_seconds() // 3600))
    return f"{hours // 24} дн. {hours % 24} ч" if hours >= 24 else f"{hours} ч"


@moderation_app.command("list")
def queue_list(organ: OrganOption = None, as_json: JsonFlag = False) -> None:
    """Очередь модерации: отмеченные комментарии, самые давние первыми.

    Текст показан со скрытыми персональными данными; решение — srok moderation decide.
    """
    from domain.moderation import MANUAL_CATEGORIES
    from moderation.flags import CATEGORY_WORDS
    from services.moderation import queue
    from services.moderation_sync import sync_instant

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            items = queue(session=session, organ_id=organ)
        now = sync_instant(application)
    if as_json:
        stream_json(item.as_dict() for item in items)
        return
    if not items:
        print("очередь модерации пуста")
        return
    words = {**CATEGORY_WORDS, **MANUAL_CATEGORIES}
    for item in items:
        notes = [
            w
            for w, on in (("изменён", item.edited), ("удалён в сети", item.deleted_on_network))
            if on
        ]
        print(
            f"{item.id}. {item.organ}, {item.post_url or item.post_id} — ждёт "
            f"{_waited(item.published_at, now)}" + (f" ({', '.join(notes)})" if notes else "")
        )
        print(f"    «{item.text_masked}»")
        for flag in item.flags:
            fragment = f": «{flag['fragment']}»" if flag.get("fragment") else ""
            if flag.get("copies"):  # the fragment is the whole text, printed just above
                fragment = f": тот же текст, копий: {flag['copies']}"
            print(f"    {words.get(flag['category'], flag['category'])}{fragment} ({flag['rule']})")
    print(f"в очереди: {len(items)}")


@moderation_app.command("decide")
def decide(
    comment: Annotated[
        int,
        typer.Argument(metavar="ID", help="Номер комментария (srok moderation list).", **ID_RANGE),
    ],
    decision: Annotated[
        str,
        typer.Argument(
            metavar="РЕШЕНИЕ",
            help="removed (удалён), kept (оставлен) или user-restricted (пользователь ограничен).",
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", metavar="ТЕКСТ", help="Почему оставлен (обязательно для kept)."),
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            metavar="ПРАВИЛО",
            help="Правило сети, по которому ограничен пользователь (обязательно для user-restricted).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Записать решение модератора по комментарию из очереди (в журнал изменений тоже).

    srok сам ничего не удаляет и никого не ограничивает: решение принимает и исполняет человек.
    """
    from domain.moderation import DECISIONS
    from services.moderation import decide as record
    from services.moderation_sync import sync_instant

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            row = record(
                session=session,
                comment_id=comment,
                decision=decision,
                actor=actor(),
                now=sync_instant(application),
                reason=reason,
                rule=rule,
            )
            done = {
                "id": row.id,
                "state": row.state,
                "reason": row.decision_reason,
                "rule": row.network_rule,
            }
    if as_json:
        print(dump(done))
        return
    print(f"комментарий {done['id']}: {DECISIONS[str(done['state'])]}")


@moderation_app.command("file")
def file(
    comment: Annotated[int, typer.Argument(metavar="ID", help="Номер комментария.", **ID_RANGE)],
    category: Annotated[
        str,
        typer.Argument(
            metavar="КАТЕГОРИЯ",
            help="conflict (конфликт), defamation (клевета), unverified (недостоверно) или offtopic (не по теме).",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", metavar="ТЕКСТ", help="Пояснение.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Отметить комментарий вручную по категории п. 2.5, которую программа не судит.

    Провоцирует конфликт, клевета, недостоверные сведения о должностных лицах, не по теме.
    Комментарий встаёт в очередь.
    """
    from domain.moderation import MANUAL_CATEGORIES
    from services.moderation import file_by_hand
    from services.moderation_sync import sync_instant

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            row = file_by_hand(
                session=session,
                comment_id=comment,
                category=category,
                actor=actor(),
                now=sync_instant(application),
                note=note,
            )
            code = category.strip().lower()
            done = {"id": row.id, "state": row.state, "category": code}
    if as_json:
        print(dump(done))
        return
    print(f"комментарий {done['id']} отмечен: {MANUAL_CATEGORIES[code]}; в очереди")


def register(app: typer.Typer) -> None:
    app.add_typer(moderation_app, name="moderation")
