"""`srok rules check`: the standing rules (п. 2.1, 2.4) asked of the networks, by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import dump, ru_date, stream_json
from domain.errors import RuleViolation
from domain.networks import NETWORKS

if TYPE_CHECKING:
    from services.rules import RuleResult

rules_app = typer.Typer(
    help="Постоянные требования: публикации (п. 2.1), описание (п. 2.4), защита (п. 1.6), "
    "аккаунты без уведомления (п. 3.1), обязательные аккаунты (п. 1.2).",
    no_args_is_help=True,
)
FIELD_WORDS = {"name": "наименование", "address": "адрес", "email": "эл. почта", "phone": "телефон"}


@rules_app.command("check")
def check(
    account: Annotated[
        int | None, typer.Option("--account", metavar="ID", help="Только этот аккаунт.", **ID_RANGE)
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            metavar="НЕДЕЛЯ",
            help="Неделя по ISO 8601, например 2026-W48 (по умолчанию прошедшая неделя).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Проверить постоянные требования: п. 2.1, 2.4 (спросить соцсети), 1.6, 3.1, 1.2 (записи srok)."""
    from domain.posting import IsoWeek
    from services.network_clients import open_clients
    from services.standing_records import run_all_rules

    with guard(as_json):
        application = srok()
        today = application.today()
        try:
            chosen = IsoWeek.parse(week) if week else IsoWeek.last_complete(today)
        except ValueError as error:
            raise RuleViolation("--week", str(error), "2.1") from None
        clients = open_clients()
        try:
            results = run_all_rules(
                app=application,
                clients=clients,
                week=chosen,
                today=today,
                actor=actor(),
                account_id=account,
            )
            if as_json:
                stream_json(r.as_dict() for r in results)
                return
            print(f"постоянные требования: {chosen} ({chosen.in_words()})")
            for result in results:
                print(_line(result))
        finally:
            clients.close()


def _line(result: RuleResult) -> str:
    figures = result.figures
    head = (
        f"аккаунт {result.account_id}, п. {result.rule}: "
        if result.account_id is not None
        else f"орган {figures.get('organ_id')}, п. {result.rule}: "
    )
    if not result.checked:
        return head + f"не проверено — {result.reason}"
    if result.rule in OWN_RECORDS:
        return head + OWN_RECORDS[result.rule](figures, bool(result.ok))
    if result.rule == "2.1":
        verdict = "да" if result.ok else "НЕТ"
        return (
            head + f"{figures['posts']} публикаций из {figures['required']} — выполнено: {verdict}"
        )
    missing = figures.get("missing") or []
    if not missing:
        return head + "описание полное"
    names = ", ".join(FIELD_WORDS.get(m, m) for m in missing)
    return head + f"в описании не хватает: {names}"


def _protection(figures: dict[str, Any], ok: bool) -> str:
    quarter = figures["quarter"]
    if ok:
        return f"защита за {quarter} подтверждена {ru_date(figures['confirmed_on'])}"
    late = ", срок истёк" if figures["overdue"] else ""
    return f"защита за {quarter} НЕ подтверждена (срок {ru_date(figures['due'])}{late})"


def _unnotified(figures: dict[str, Any], ok: bool) -> str:
    if ok:
        return f"на странице {figures['page']} неизвестных srok аккаунтов нет"
    return (
        f"НЕ УВЕДОМИЛИ об аккаунте {figures['url']} (ссылка на странице {figures['page']}, "
        f"впервые {ru_date(figures['first_seen_on'])})"
    )


def _required(figures: dict[str, Any], ok: bool) -> str:
    network = NETWORKS[figures["network"]].russian if figures["network"] in NETWORKS else "?"
    what = f"({network}) по постановлению № {figures['resolution']}"
    if ok:
        return f"обязательный аккаунт {what} создан: {figures['url']}"
    late = ", срок истёк" if figures["overdue"] else ""
    return f"обязательный аккаунт {what} НЕ СОЗДАН (срок {ru_date(figures['due'])}{late})"


OWN_RECORDS: dict[str, Callable[[dict[str, Any], bool], str]] = {
    "1.6": _protection,
    "3.1": _unnotified,
    "1.2": _required,
}


unnotified_app = typer.Typer(
    help="Аккаунты, о которых не уведомили (п. 3.1): ссылки на страницах органов на сайте города.",
    no_args_is_help=True,
)
rules_app.add_typer(unnotified_app, name="unnotified")
OUTCOMES = {"registered": "зарегистрирован в srok", "dismissed": "не аккаунт органа"}


@unnotified_app.command("check")
def unnotified_check(
    organ: Annotated[
        int | None, typer.Option("--organ", metavar="ID", help="Только этот орган.", **ID_RANGE)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Прочитать страницы органов на сайте города и записать ссылки на неизвестные srok аккаунты."""
    from services.unnotified import run_scan

    with guard(as_json):
        report = run_scan(srok(), actor=actor(), organ_id=organ)
        if as_json:
            print(dump(dataclasses.asdict(report)))
            return
        for look in report.pages:
            head = f"{look.organ}: {look.page}"
            if look.problem:
                print(f"{head} — не прочитана: {look.problem}")
            else:
                print(
                    f"{head} — ссылок на аккаунты {look.links}, неизвестных srok {len(look.unknown)}"
                )
        print(
            f"новых находок: {len(report.opened)}, закрыто (аккаунт зарегистрирован): {len(report.closed)}"
        )


@unnotified_app.command("list")
def unnotified_list(
    include_closed: Annotated[
        bool, typer.Option("--all", help="Показать и закрытые находки.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Аккаунты, на которые ссылается сайт города, но о которых srok не уведомили (п. 3.1)."""
    from services.unnotified import finding_view, findings

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            rows = findings(
                session=session,
                today=application.today(),
                actor=actor(),
                include_closed=include_closed,
            )
            items = [finding_view(row, organ) for row, organ in rows]
        if as_json:
            print(dump(items))
            return
        if not items:
            print("аккаунтов, о которых не уведомили, не найдено")
        for item in items:
            state = (
                "открыта"
                if item["closed_on"] is None
                else f"закрыта {ru_date(item['closed_on'])}: {OUTCOMES.get(item['outcome'], item['outcome'])}"
                + (f" — {item['reason']}" if item["reason"] else "")
            )
            print(
                f"{item['id']}. {item['url']} — {item['organ']}, страница {item['page']}, "
                f"впервые {ru_date(item['first_seen_on'])}, "
                f"последний раз {ru_date(item['last_seen_on'])}; {state}"
            )


@unnotified_app.command("dismiss")
def unnotified_dismiss(
    finding: Annotated[
        int,
        typer.Option(
            "--id", metavar="N", help="Номер находки (srok rules unnotified list).", **ID_RANGE
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="ТЕКСТ", help="Почему это не аккаунт органа.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Отметить находку: это не аккаунт органа (с причиной; запись в журнал изменений)."""
    from services.unnotified import dismiss_finding

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            row = dismiss_finding(
                session=session,
                finding_id=finding,
                reason=reason,
                today=application.today(),
                actor=actor(),
            )
            done = {"id": row.id, "url": row.url, "outcome": row.outcome, "reason": row.reason}
        if as_json:
            print(dump(done))
            return
        print(f"находка {done['id']} ({done['url']}) закрыта: не аккаунт органа — {done['reason']}")


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
