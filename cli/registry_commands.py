"""`srok organ|specialist|account|access ...`: who runs which account."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import ID_RANGE, JsonFlag, actor, guard, srok
from cli.output import emit, parse_date

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
    name: Annotated[str, typer.Argument(help="The organ's official name (п. 2.4).")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Postal address.")] = None,
    head_email: Annotated[
        str | None, typer.Option("--head-email", help="The head's mailbox, copied on escalations.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register an organ."""
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
    organ: Annotated[int, typer.Option("--organ", **ID_RANGE)],
    name: Annotated[str, typer.Option("--name", help="Full name (ФИО).")],
    position: Annotated[str, typer.Option("--position")],
    phone: Annotated[str, typer.Option("--phone")],
    email: Annotated[str, typer.Option("--email")],
    as_json: JsonFlag = False,
) -> None:
    """Register a responsible specialist of an organ."""
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
        int, typer.Argument(metavar="ID", help="The specialist's id.", **ID_RANGE)
    ],
    changed_on: Annotated[str, typer.Option("--changed-on", help="YYYY-MM-DD")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    position: Annotated[str | None, typer.Option("--position")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Change a specialist's details: opens a п. 3.2 change on each account they answer for."""
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
    organ: Annotated[int, typer.Option("--organ", **ID_RANGE)],
    url: Annotated[str, typer.Option("--url")],
    created_on: Annotated[str, typer.Option("--created-on", help="YYYY-MM-DD")],
    network: Annotated[
        str | None,
        typer.Option(
            "--network",
            help="vk, ok, telegram, max, rutube, dzen, other (default: read from the address)",
        ),
    ] = None,
    specialist: Annotated[
        list[int] | None,
        typer.Option("--specialist", help="A responsible specialist's id (repeat).", **ID_RANGE),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a new account: opens п. 3.1, 1.4, 3.4 and 3.5."""
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
    account: Annotated[int, typer.Option("--account", **ID_RANGE)],
    changed_on: Annotated[str, typer.Option("--changed-on", help="YYYY-MM-DD")],
    url: Annotated[str | None, typer.Option("--url", help="The new address.")] = None,
    specialist: Annotated[
        list[int] | None,
        typer.Option(
            "--specialist", help="The new set of responsible specialists (repeat).", **ID_RANGE
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a change of an account's details (п. 3.2): opens 3.2, 3.4, 3.5 (and 1.4 for a new address)."""
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
    account_id: Annotated[int, typer.Argument(help="The account's id.", **ID_RANGE)],
    as_json: JsonFlag = False,
) -> None:
    """Show an account with its address history (п. 3.3 абзац 4)."""
    from services.accounts import describe_account

    with guard(as_json):
        with srok().transaction() as session:
            data = describe_account(session, account_id)
        lines = [
            f"Аккаунт {data['id']} — {data['organ']}, {data['network_name']}",
            f"Адрес: {data['url']} (создан {data['created_on']})",
            "История адресов:",
        ]
        lines += [
            f"  {a['from']} — {a['until'] or 'по н. в.'}: {a['url']}" for a in data["addresses"]
        ]
        lines.append(
            "Ответственные специалисты (id): "
            + (", ".join(map(str, data["specialist_ids"])) or "не указаны")
        )
        lines.append(
            f"Доступ ({len(data['access'])} из 3): "
            + (", ".join(a["person"] for a in data["access"]) or "никто")
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


@access_app.command("grant")
def access_grant(
    account: Annotated[int, typer.Option("--account", **ID_RANGE)],
    person: Annotated[str, typer.Option("--person")],
    on: Annotated[str | None, typer.Option("--on", help="YYYY-MM-DD (default today)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Give a person access to an account (at most three at a time, п. 1.6)."""
    _access(True, account, person, on, as_json)


@access_app.command("revoke")
def access_revoke(
    account: Annotated[int, typer.Option("--account", **ID_RANGE)],
    person: Annotated[str, typer.Option("--person")],
    on: Annotated[str | None, typer.Option("--on", help="YYYY-MM-DD (default today)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """End a person's access to an account."""
    _access(False, account, person, on, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(organ_app, name="organ")
    app.add_typer(specialist_app, name="specialist")
    app.add_typer(account_app, name="account")
    app.add_typer(access_app, name="access")
