"""`srok backup` and `srok restore` (services/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import JsonFlag, guard, srok
from cli.output import emit


def backup(
    out: Annotated[
        Path,
        typer.Option("--out", metavar="ФАЙЛ", help="Куда записать копию (новый файл)."),
    ],
    with_secret_key: Annotated[
        bool,
        typer.Option(
            "--with-secret-key",
            help="Включить ключ подписи ссылок и входа (храните такую копию как сам ключ).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Записать согласованную копию базы, calendar.toml и якорей журнала, не останавливая srok."""
    from services.backup import make_backup
    from services.files import check_output_file

    with guard(as_json):
        check_output_file("--out", out)
        info = make_backup(srok(), out=out, with_secret_key=with_secret_key)
        emit(info.as_dict(), as_json=as_json, human=f"резервная копия {out}: {info.words()}")


def restore(
    source: Annotated[Path, typer.Argument(metavar="ФАЙЛ", help="Файл, записанный srok backup.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Заменить данные непустой базы содержимым копии."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Восстановить копию в пустую базу и сверить конец журнала с копией."""
    from services.backup import restore_backup

    with guard(as_json):
        info = restore_backup(srok(), source=source, force=force)
        emit(
            info.as_dict(),
            as_json=as_json,
            human=f"восстановлено из {source}: {info.words()}; проверьте: `srok audit verify`",
        )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
