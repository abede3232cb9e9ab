"""`srok organ|specialist|account|access ...`: who runs which account."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date, ru_date

organ_app = typer.Typer(help="Органы Администрации.", no_args_is_help=True)
specialist_app = typer.Typer(
    help="Ответственные специалисты (персональные данные).", no_args_is_help=True
)
account_app = typer.Typer(help="Аккаунты в социальных сетях.", no_args_is_help=True)
access_app = typer.Typer(
    help="Доступ к аккаунтам (п. 1.6: не более трёх человек).", no_args_is_help=True
)


@organ_app.command("add")
def organ_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Официальное наименование органа (п. 2.4).")
    ],
    email: Annotated[
        str | None, typer.Option("--email", metavar="ПОЧТА", help="Электронная почта органа.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", metavar="ТЕЛЕФОН", help="Телефон органа.")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", metavar="АДРЕС", help="Почтовый адрес.")
    ] = None,
    head_email: Annotated[
        str | None,
        typer.Option(
            "--head-email",
            metavar="ПОЧТА",
            help="Почта руководителя органа: копия писем о просрочке.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Зарегистрировать орган Администрации."""
    from services.accounts import add_organ

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            organ = add_organ(
                session=session,
                name=name,
                email=email,
                phone=phone,
                address=address,
                head_email=head_email,
                actor=actor(),
                today=application.today(),
            )
        emit({"id": organ.id}, as_json=as_json, human=f"орган {organ.id}: {organ.name}")


@specialist_app.command("add")
def specialist_add(
    organ: Annotated[
        int, typer.Option("--organ", metavar="ID", help="Орган специалиста.", **ID_RANGE)
    ],
    name: Annotated[str, typer.Option("--name", metavar="ФИО", help="Фамилия, имя, отчество.")],
    position: Annotated[str, typer.Option("--position", metavar="ДОЛЖНОСТЬ", help="Должность.")],
    phone: Annotated[str, typer.Option("--phone", metavar="ТЕЛЕФОН", help="Телефон.")],
    email: Annotated[str, typer.Option("--email", metavar="ПОЧТА", help="Электронная почта.")],
    as_json: JsonFlag = False,
) -> None:
    """Зарегистрировать ответственного специалиста органа."""
    from services.accounts import add_specialist

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            specialist = add_specialist(
                session=session,
                organ_id=organ,
                name=name,
                position=position,
                phone=phone,
                email=email,
                actor=actor(),
                today=application.today(),
            )
        emit({"id": specialist.id}, as_json=as_json, human=f"специалист {specialist.id}")


@specialist_app.command("update")
def specialist_update(
    specialist_id: Annotated[
        int, typer.Argument(metavar="ID", help="Номер специалиста.", **ID_RANGE)
    ],
    changed_on: Annotated[
        str,
        typer.Option("--changed-on", metavar=DATE, help=f"Дата изменения: {DATE_HELP}."),
    ],
    name: Annotated[
        str | None, typer.Option("--name", metavar="ФИО", help="Новые фамилия, имя, отчество.")
    ] = None,
    position: Annotated[
        str | None, typer.Option("--position", metavar="ДОЛЖНОСТЬ", help="Новая должность.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", metavar="ТЕЛЕФОН", help="Новый телефон.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", metavar="ПОЧТА", help="Новая электронная почта.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Изменить сведения о специалисте: открывает изменение по п. 3.2 на каждом его аккаунте."""
    from services.accounts import update_specialist

    with guard(as_json):
        day = parse_date("--changed-on", changed_on)
        application = srok()
        with application.transaction() as session:
            specialist, accounts = update_specialist(
                session=session,
                calendar=application.calendar,
                specialist_id=specialist_id,
                changed_on=day,
                name=name,
                position=position,
                phone=phone,
                email=email,
                actor=actor(),
                today=application.today(),
            )
        emit(
            {"id": specialist.id, "account_ids": accounts},
            as_json=as_json,
            human=f"специалист {specialist.id}: изменение по п. 3.2 открыто для аккаунтов "
            f"{', '.join(map(str, accounts)) or '— (нет аккаунтов)'}",
        )


@account_app.command("create")
def account_create(
    organ: Annotated[
        int, typer.Option("--organ", metavar="ID", help="Орган, чей это аккаунт.", **ID_RANGE)
    ],
    url: Annotated[str, typer.Option("--url", metavar="URL", help="Адрес аккаунта.")],
    created_on: Annotated[
        str,
        typer.Option("--created-on", metavar=DATE, help=f"Дата создания: {DATE_HELP}."),
    ],
    network: Annotated[
        str | None,
        typer.Option(
            "--network",
            metavar="СЕТЬ",
            help="Код сети: vk, ok, telegram, max, rutube, dzen, other "
            "(по умолчанию определяется по адресу).",
        ),
    ] = None,
    specialist: Annotated[
        list[int] | None,
        typer.Option(
            "--specialist",
            metavar="ID",
            help="Номер ответственного специалиста (можно повторить).",
            **ID_RANGE,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Зарегистрировать новый аккаунт: открывает сроки п. 3.1, 1.4, 3.4 и 3.5."""
    from services.accounts import create_account

    with guard(as_json):
        day = parse_date("--created-on", created_on)
        application = srok()
        with application.transaction() as session:
            account = create_account(
                session=session,
                calendar=application.calendar,
                organ_id=organ,
                network_code=network,
                url=url,
                created_on=day,
                specialist_ids=specialist or [],
                actor=actor(),
                today=application.today(),
            )
        emit({"id": account.id}, as_json=as_json, human=f"аккаунт {account.id}: {account.url}")


@account_app.command("change")
def account_change(
    account: Annotated[
        int, typer.Option("--account", metavar="ID", help="Номер аккаунта.", **ID_RANGE)
    ],
    changed_on: Annotated[
        str,
        typer.Option("--changed-on", metavar=DATE, help=f"Дата изменения: {DATE_HELP}."),
    ],
    url: Annotated[
        str | None, typer.Option("--url", metavar="URL", help="Новый адрес аккаунта.")
    ] = None,
    specialist: Annotated[
        list[int] | None,
        typer.Option(
            "--specialist",
            metavar="ID",
            help="Новый состав ответственных специалистов (можно повторить).",
            **ID_RANGE,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Записать изменение сведений об аккаунте (п. 3.2): открывает 3.2, 3.4, 3.5 (и 1.4 при новом адресе)."""
    from services.accounts import change_account

    with guard(as_json):
        day = parse_date("--changed-on", changed_on)
        application = srok()
        with application.transaction() as session:
            changed = change_account(
                session=session,
                calendar=application.calendar,
                account_id=account,
                changed_on=day,
                url=url,
                specialist_ids=specialist,
                actor=actor(),
                today=application.today(),
            )
        emit({"id": changed.id}, as_json=as_json, human=f"аккаунт {changed.id}: изменение записано")


@account_app.command("show")
def account_show(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="Номер аккаунта.", **ID_RANGE)],
    as_json: JsonFlag = False,
) -> None:
    """Показать аккаунт и историю его адресов (п. 3.3 абзац 4)."""
    from services.accounts import describe_account

    with guard(as_json):
        with srok().transaction() as session:
            data = describe_account(session, account_id)
        lines = [
            f"Аккаунт {data['id']} — {data['organ']}, {data['network_name']}",
            f"Адрес: {data['url']} (создан {ru_date(data['created_on'])})",
            "История адресов:",
        ]
        lines += [
            f"  {ru_date(a['from'])} — {ru_date(a['until'], none='по н. в.')}: {a['url']}"
            for a in data["addresses"]
        ]
        lines.append(
            "Ответственные специалисты (id): "
            + (", ".join(map(str, data["specialist_ids"])) or "не указаны")
        )
        lines.append(
            f"Доступ ({len(data['access'])} из 3): "
            + (
                ", ".join(f"{a['person']} (с {ru_date(a['since'])})" for a in data["access"])
                or "никто"
            )
        )
        emit(data, as_json=as_json, human="\n".join(lines))


def _access(grant: bool, account: int, person: str, on: str | None, as_json: bool) -> None:
    from services.accounts import grant_access, revoke_access

    with guard(as_json):
        application = srok()
        day = parse_date("--on", on) if on else application.today()
        use_case = grant_access if grant else revoke_access
        with application.transaction() as session:
            record = use_case(
                session=session,
                account_id=account,
                person=person,
                on=day,
                actor=actor(),
                today=application.today(),
            )
        emit(
            {"id": record.id},
            as_json=as_json,
            human=f"доступ {'предоставлен' if grant else 'отозван'}: {record.person}",
        )


AccountOpt = Annotated[
    int, typer.Option("--account", metavar="ID", help="Номер аккаунта.", **ID_RANGE)
]
PersonOpt = Annotated[str, typer.Option("--person", metavar="ФИО", help="ФИО человека.")]


@access_app.command("grant")
def access_grant(
    account: AccountOpt,
    person: PersonOpt,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar=DATE, help=f"С какой даты: {DATE_HELP} (по умолчанию сегодня)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Дать человеку доступ к аккаунту (не более трёх одновременно, п. 1.6)."""
    _access(True, account, person, on, as_json)


@access_app.command("revoke")
def access_revoke(
    account: AccountOpt,
    person: PersonOpt,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar=DATE, help=f"С какой даты: {DATE_HELP} (по умолчанию сегодня)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Прекратить доступ человека к аккаунту."""
    _access(False, account, person, on, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(organ_app, name="organ")
    app.add_typer(specialist_app, name="specialist")
    app.add_typer(account_app, name="account")
    app.add_typer(access_app, name="access")
