"""`srok rules check`: the standing rules (п. 2.1, 2.4) asked of the networks, by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import ID_RANGE, JsonFlag, guard, srok
from cli.output import stream_json
from domain.errors import RuleViolation

if TYPE_CHECKING:
    from services.rules import RuleResult

rules_app = typer.Typer(
    help="Постоянные требования раздела 2: публикации (п. 2.1) и описание аккаунта (п. 2.4).",
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
    """Спросить соцсети: 8 публикаций за неделю (п. 2.1) и полнота описания (п. 2.4); сохранить проверку."""
    from domain.posting import IsoWeek
    from services.network_clients import open_clients
    from services.rule_evidence import run_standing_rules

    with guard(as_json):
        application = srok()
        today = application.today()
        try:
            chosen = IsoWeek.parse(week) if week else IsoWeek.last_complete(today)
        except ValueError as error:
            raise RuleViolation("--week", str(error), "2.1") from None
        clients = open_clients()
        try:
            results = run_standing_rules(
                app=application, clients=clients, week=chosen, today=today, account_id=account
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
    head = f"аккаунт {result.account_id}, п. {result.rule}: "
    if not result.checked:
        return head + f"не проверено — {result.reason}"
    figures = result.figures
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


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
