"""`srok web`, `srok user add`, `srok token create`: the web app and who may use it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli.app import JsonFlag, actor, guard, srok
from cli.output import emit


def web(
    host: Annotated[
        str, typer.Option("--host", help="Адрес, на котором слушать.", metavar="АДРЕС")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Порт, на котором слушать.", metavar="ПОРТ")
    ] = 8608,
) -> None:
    """Запустить веб-приложение (uvicorn): формы органов, очередь отдела информатизации, показатели, /registry, /api/v1."""
    import uvicorn

    from web.app import create_app
    from web.context import WebContext

    with guard(False):
        application = srok()
        with application.transaction():
            pass  # refuse an uninitialised database before listening
        app = create_app(WebContext.from_env(application))
    print(f"srok: http://{host}:{port} (база: {application.settings.database_url.split('@')[-1]})")
    # uvicorn's access log prints paths whole, and one-click tokens are in paths: it stays
    # off, and web.guard logs each request to srok.web.access with the tokens cut out.
    import logging

    access = logging.getLogger("srok.web.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    uvicorn.run(
        app, host=host, port=port, access_log=False, proxy_headers=True, log_level="warning"
    )


def user_add(
    login: Annotated[str, typer.Option("--login", help="Логин.", metavar="ЛОГИН")],
    role: Annotated[
        str, typer.Option("--role", help="Роль: specialist, it, head или admin.", metavar="РОЛЬ")
    ],
    organ: Annotated[
        int | None, typer.Option("--organ", help="Орган (для специалиста).", metavar="ID")
    ] = None,
    specialist: Annotated[
        int | None,
        typer.Option("--specialist", help="Запись специалиста (для специалиста).", metavar="ID"),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Прочитать пароль со стандартного ввода.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Добавить локального пользователя веб-приложения (пароль хранится как хеш Argon2id)."""
    from domain.errors import RuleViolation
    from services.users import add_user

    with guard(as_json):
        if not password_stdin:
            raise RuleViolation("--password-stdin", "пароль читается только со стандартного ввода")
        password = sys.stdin.readline().rstrip("\r\n")
        application = srok()
        with application.transaction() as session:
            user = add_user(
                session=session,
                login=login,
                role=role,
                password=password,
                organ_id=organ,
                specialist_id=specialist,
                actor=actor(),
            )
            user_id = user.id
        emit({"id": user_id}, as_json=as_json, human=f"пользователь {login} добавлен (№ {user_id})")


def token_create(
    user: Annotated[
        str,
        typer.Option("--user", help="Логин, от имени которого действует ключ.", metavar="ЛОГИН"),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Выпустить ключ API для программ (показывается один раз; хранится только его хеш)."""
    from services.users import create_token

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            token = create_token(session=session, login=user, actor=actor())
        emit({"token": token}, as_json=as_json, human=token)


def register(app: typer.Typer) -> None:
    app.command("web")(web)
    users = typer.Typer(help="Пользователи веб-приложения.", no_args_is_help=True)
    users.command("add")(user_add)
    app.add_typer(users, name="user")
    tokens = typer.Typer(help="Ключи API для программ.", no_args_is_help=True)
    tokens.command("create")(token_create)
    app.add_typer(tokens, name="token")
