"""`srok calendar ...`: working days and the п. 3.5 deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import DATE, DATE_HELP, JsonFlag, guard
from cli.output import emit, parse_date, ru_date
from domain.errors import RuleViolation

if TYPE_CHECKING:
    from domain.calendar import WorkingCalendar

calendar_app = typer.Typer(
    help="Производственный календарь: рабочие дни и сроки.", no_args_is_help=True
)


def _calendar() -> WorkingCalendar:
    from services.calendar_source import build_calendar
    from services.settings import Settings

    return build_calendar(Settings.from_env().calendar_file)


@calendar_app.command("due")
def due(
    start: Annotated[str, typer.Argument(metavar=DATE, help=f"Дата события: {DATE_HELP}.")],
    n: Annotated[int, typer.Argument(metavar="N", help="Сколько рабочих дней.")],
    as_json: JsonFlag = False,
) -> None:
    """Напечатать дату через N рабочих дней после ДАТЫ (ГК РФ ст. 191)."""
    from domain.deadlines import working_days_after

    with guard(as_json):
        if n < 1:
            raise RuleViolation("N", "должно быть не меньше 1")
        deadline = working_days_after(
            _calendar(), event=parse_date(DATE, start), n=n, event_words="события"
        )
        emit(
            {
                "due": deadline.due.isoformat(),
                "provisional": deadline.provisional,
                "explanation": deadline.explanation,
            },
            as_json=as_json,
            human=ru_date(deadline.due),
        )


@calendar_app.command("quarter")
def quarter(
    name: Annotated[str, typer.Argument(metavar="QUARTER", help="Квартал, например 2026Q1.")],
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Ровно 25-е число, без переноса по ГК РФ ст. 193."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Напечатать срок публикации Реестра за квартал (п. 3.5)."""
    from domain.deadlines import DateRule, quarter_publication_deadline
    from domain.quarter import Quarter

    with guard(as_json):
        try:
            q = Quarter.parse(name)
        except ValueError as exc:
            raise RuleViolation("QUARTER", str(exc), "3.5") from None
        rule = DateRule.STRICT if strict else DateRule.ART_193
        deadline = quarter_publication_deadline(_calendar(), q, rule=rule)
        emit(
            {
                "quarter": str(q),
                "due": deadline.due.isoformat(),
                "rule": rule.value,
                "provisional": deadline.provisional,
                "explanation": deadline.explanation,
            },
            as_json=as_json,
            human=ru_date(deadline.due),
        )


@calendar_app.command("year")
def year(
    value: Annotated[int, typer.Argument(metavar="YEAR", help="Год.")],
    as_json: JsonFlag = False,
) -> None:
    """Показать год: подтверждён ли, сколько рабочих дней, рабочие выходные (нерабочие дни — в --json)."""
    with guard(as_json):
        if not 1991 <= value <= 2200:
            raise RuleViolation("YEAR", f"{value} — вне диапазона 1991-2200")
        y = _calendar().year(value)
        weekends = sorted(d.isoformat() for d in y.working_weekends)
        data = {
            "year": value,
            "covered": y.covered,
            "source": y.source,
            "working_days": y.working_day_count(),
            "non_working": [d.isoformat() for d in y.non_working()],
            "working_weekends": weekends,
        }
        human = (
            f"{value}: рабочих дней {data['working_days']}; "
            f"{'подтверждён' if y.covered else 'НЕ подтверждён'} ({y.source}); "
            f"рабочие выходные: {', '.join(map(ru_date, weekends)) or 'нет'}"
        )
        emit(data, as_json=as_json, human=human)


@calendar_app.command("draft")
def draft(
    value: Annotated[int, typer.Argument(metavar="YEAR", help="Год.")],
    as_json: JsonFlag = False,
) -> None:
    """Напечатать, что пакет holidays знает о годе, в виде TOML для файла календаря."""
    from services.calendar_source import draft_toml

    with guard(as_json):
        if not 1991 <= value <= 2200:
            raise RuleViolation("YEAR", f"{value} — вне диапазона 1991-2200")
        text = draft_toml(value)
        emit({"year": value, "toml": text}, as_json=as_json, human=text.rstrip("\n"))


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")


@calendar_app.command("rebaseline")
def rebaseline(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Показать сдвиги, ничего не меняя.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Пересчитать сроки открытых шагов после изменения календаря; у закрытых сроки остаются."""
    from cli.app import srok
    from services.rebaseline import rebaseline as run

    with guard(as_json):
        application = srok()
        with application.transaction() as session:
            moves = run(
                session=session,
                calendar=application.calendar,
                rule=application.settings.publication_rule,
                dry_run=dry_run,
            )
        verb = "сдвинутся" if dry_run else "сдвинуты"
        lines = [
            f"сроков {verb}: {len(moves)}"
            + (" (пробный запуск: ничего не изменено)" if dry_run else "")
        ]
        lines += [
            f"  шаг {m.step_id} (акк. {m.account_id}, п. {m.clause}): "
            f"{ru_date(m.old_due)} → {ru_date(m.new_due)}"
            + (
                " (предварительный → подтверждён)"
                if m.old_provisional and not m.new_provisional
                else ""
            )
            for m in moves
        ]
        emit(
            {"dry_run": dry_run, "moves": [m.as_dict() for m in moves]},
            as_json=as_json,
            human="\n".join(lines),
        )
