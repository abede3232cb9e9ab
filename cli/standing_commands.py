"""`srok required ...` (п. 1.2) and `srok protection ...` (п. 1.6): the standing duties' steps."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date
from domain.errors import RuleViolation

required_app = typer.Typer(
    help="Аккаунты, которые орган обязан создать по постановлению Администрации (п. 1.2).",
    no_args_is_help=True,
)
protection_app = typer.Typer(
    help="Ежеквартальное подтверждение защиты аккаунтов (п. 1.6).", no_args_is_help=True
)


@required_app.command("add")
def required_add(
    organ: Annotated[int, typer.Option("--organ", metavar="ID", help="Номер органа.", **ID_RANGE)],
    network: Annotated[
        str,
        typer.Option(
            "--network", metavar="СЕТЬ", help="Сеть: vk, ok, telegram, max, rutube, dzen."
        ),
    ],
    resolution: Annotated[
        str,
        typer.Option("--resolution", metavar="НОМЕР", help="Номер постановления Администрации."),
    ],
    resolution_date: Annotated[
        str,
        typer.Option("--resolution-date", metavar=DATE, help=f"Дата постановления: {DATE_HELP}."),
    ],
    due: Annotated[
        str, typer.Option("--due", metavar=DATE, help=f"Срок создания аккаунта: {DATE_HELP}.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Записать аккаунт, который орган обязан создать (п. 1.2); до создания идут напоминания."""
    from services.required import add_required

    with guard(as_json):
        signed = _date("--resolution-date", resolution_date, "1.2")
        until = _date("--due", due, "1.2")
        application = srok()
        with application.transaction() as session:
            required = add_required(
                session=session,
                organ_id=organ,
                network=network,
                resolution_number=resolution,
                resolution_date=signed,
                due=until,
                actor=actor(),
                today=application.today(),
            )
            found = {
                "id": required.id,
                "organ_id": required.organ_id,
                "network": required.network,
                "due": required.due.isoformat(),
                "account_id": required.account_id,
            }
        emit(
            found,
            as_json=as_json,
            human=f"требование № {found['id']} записано: срок {until.strftime('%d.%m.%Y')}"
            + (f"; уже выполнено аккаунтом {found['account_id']}" if found["account_id"] else ""),
        )


@required_app.command("list")
def required_list(
    missing: Annotated[
        bool, typer.Option("--missing", help="Только те, что ещё не созданы.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Показать аккаунты, обязательные по постановлениям (п. 1.2): созданы или нет."""
    from domain.networks import NETWORKS
    from services.required import list_required

    with guard(as_json):
        application = srok()
        today = application.today()
        with application.transaction() as session:
            rows = list_required(session, missing_only=missing)
        items = [
            {
                "id": r.id,
                "organ_id": r.organ_id,
                "organ": r.organ,
                "network": r.network,
                "resolution": r.resolution,
                "resolution_date": r.resolution_date.isoformat(),
                "due": r.due.isoformat(),
                "account_id": r.account_id,
                "missing": r.missing,
                "overdue": r.overdue(today),
            }
            for r in rows
        ]
        if as_json:
            emit(items, as_json=True, human="")
            return
        if not items:
            print("обязательных аккаунтов не записано")
        for i in items:
            state = (
                f"создан: аккаунт {i['account_id']}"
                if not i["missing"]
                else "НЕ СОЗДАН, срок истёк"
                if i["overdue"]
                else "не создан"
            )
            print(
                f"№ {i['id']}: {i['organ']}, {NETWORKS[str(i['network'])].russian}, "
                f"постановление № {i['resolution']} "
                f"от {r_date(str(i['resolution_date']))}, срок {r_date(str(i['due']))} — {state}"
            )


def _date(field: str, text: str, clause: str) -> date:
    try:
        return parse_date(field, text)
    except RuleViolation as error:
        raise RuleViolation(field, error.message, clause) from None


def r_date(iso: str) -> str:
    return ".".join(reversed(iso.split("-")))


@protection_app.command("confirm")
def protection_confirm(
    account: Annotated[
        int, typer.Option("--account", metavar="ID", help="Номер аккаунта.", **ID_RANGE)
    ],
    two_factor: Annotated[
        bool,
        typer.Option("--two-factor", help="Двухфакторная аутентификация включена."),
    ] = False,
    people: Annotated[
        int,
        typer.Option("--people", metavar="N", help="Сколько человек имеют доступ (не более 3)."),
    ] = 0,
    credentials_kept: Annotated[
        str,
        typer.Option(
            "--credentials-kept",
            metavar="ГДЕ",
            help="Где хранятся данные для входа (место, не сами данные).",
        ),
    ] = "",
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter", metavar="КВАРТАЛ", help="Квартал, например 2026Q4 (по умолчанию текущий)."
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar=DATE, help=f"Дата подтверждения: {DATE_HELP}.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Подтвердить защиту аккаунта за квартал (п. 1.6): 2FA, кто имеет доступ, где данные входа."""
    from domain.quarter import Quarter
    from domain.standing import ProtectionAnswer
    from services.protection import confirm_protection, protection_days

    with guard(as_json):
        application = srok()
        today = application.today()
        day = _date("--on", on, "1.6") if on else today
        try:
            chosen = Quarter.parse(quarter) if quarter else None
        except ValueError as error:
            raise RuleViolation("--quarter", str(error), "1.6") from None
        with application.transaction() as session:
            done = confirm_protection(
                session=session,
                calendar=application.calendar,
                account_id=account,
                answer=ProtectionAnswer(two_factor, people, credentials_kept),
                on=day,
                quarter=chosen,
                working_days=protection_days(),
                actor=actor(),
                today=today,
            )
            found = {"account_id": account, "quarter": done.quarter, "on": day.isoformat()}
        emit(
            found,
            as_json=as_json,
            human=f"защита аккаунта {account} за {found['quarter']} подтверждена",
        )


def register(app: typer.Typer) -> None:
    app.add_typer(required_app, name="required")
    app.add_typer(protection_app, name="protection")
