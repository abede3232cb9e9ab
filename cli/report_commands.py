"""`srok report compliance`: how the organs kept the procedure's deadlines in a quarter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from cli.app import DATE, DATE_HELP, ID_RANGE, JsonFlag, guard, srok
from cli.output import parse_date
from domain.errors import RuleViolation

report_app = typer.Typer(help="Отчёты для заместителя главы города (п. 4).", no_args_is_help=True)


@report_app.command("compliance")
def compliance(
    quarter: Annotated[
        str, typer.Option("--quarter", metavar="КВАРТАЛ", help="Квартал, например 2026Q4.")
    ],
    organ: Annotated[
        int | None,
        typer.Option("--organ", metavar="ID", help="Только этот орган.", **ID_RANGE),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="ФОРМАТ", help="html, csv или json."),
    ] = "html",
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="ФАЙЛ", help="Записать в файл, а не в стандартный вывод."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar=DATE,
            help=f"Оценить открытые шаги на дату: {DATE_HELP} (по умолчанию сегодня).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """По органам и пунктам: сроки, в срок, с опозданием (раб. дни), просрочено, напоминания; худшие случаи; динамика."""
    import sys

    from services.compliance_stream import FORMATS, write_report
    from services.files import check_output_file, replaced_atomically

    with guard(as_json or fmt == "json"):
        if fmt not in FORMATS:
            raise RuleViolation("--format", f"«{fmt}» — допустимо {', '.join(FORMATS)}", "4")
        fmt = "json" if as_json else fmt
        if out is not None:
            check_output_file("--out", out)
        application = srok()
        day = parse_date("--as-of", as_of) if as_of else application.today()
        from domain.quarter import Quarter

        try:
            q = Quarter.parse(quarter)
        except ValueError as exc:
            raise RuleViolation("--quarter", str(exc), "4") from None
        # Written as it is counted, inside the read transaction: flat memory at any size.
        with application.transaction() as session:

            def write(sink: BinaryIO) -> None:
                write_report(
                    session=session,
                    calendar=application.calendar,
                    quarter=q,
                    as_of=day,
                    organ_id=organ,
                    fmt=fmt,
                    sink=sink,
                )

            if out is None:
                sys.stdout.flush()
                write(sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                with replaced_atomically(out) as sink:
                    write(sink)
        if out:
            print(f"отчёт записан: {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
