"""Tables for people (rich): narrow enough for an 80-column terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Console
from rich.table import Table

from domain.clauses import CLAUSES
from domain.dates import ru
from services.status import OrganSummary, StepView

STATE_STYLE = {
    "waiting": "dim",
    "pending": "yellow",
    "overdue": "bold red",
    "done": "green",
    "done_late": "magenta",
}


def _ru_iso(text: str | None) -> str:
    return ru(date.fromisoformat(text)) if text else "—"


def _organ_table(organ: str, views: Sequence[StepView]) -> Table:
    table = Table(title=f"[bold]{organ}[/]", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Акк.", justify="right")
    table.add_column("Сеть")
    table.add_column("Пункт", no_wrap=True)
    table.add_column("Срок", no_wrap=True)
    table.add_column("Выполнено", no_wrap=True)
    table.add_column("Состояние")
    for v in views:
        state = v.state_ru
        if v.late_working_days:
            state += f", {v.late_working_days} раб. дн."
        due = _ru_iso(v.due) + ("*" if v.provisional else "")
        table.add_row(
            str(v.account_id),
            v.network,
            f"п. {v.clause}",
            due,
            _ru_iso(v.done),
            f"[{STATE_STYLE[v.state]}]{state}[/]",
        )
    return table


def print_status(views: Sequence[StepView], *, as_of: date, console: Console | None = None) -> None:
    """Print steps grouped by organ, one row a step, with a legend of the clauses."""
    console = console or Console()
    console.print(f"[bold]Сроки по аккаунтам на {ru(as_of)}[/]")
    by_organ: dict[str, list[StepView]] = {}
    for v in views:
        by_organ.setdefault(v.organ, []).append(v)
    for organ, rows in by_organ.items():
        console.print(_organ_table(organ, rows))
    shown = sorted({v.clause for v in views}, key=lambda c: [int(p) for p in c.split(".")])
    for clause in shown:
        console.print(f"  п. {clause} — {CLAUSES[clause].duty}")
    if any(v.provisional for v in views):
        console.print(
            "  * срок предварительный: переносы выходных года не подтверждены "
            "постановлением Правительства РФ."
        )
    overdue = sum(v.state == "overdue" for v in views)
    console.print(
        f"Шагов: {len(views)}, просрочено: {overdue}. Как посчитан каждый срок: "
        "srok status --json (поле explanation)."
    )


def print_summary(
    summary: Sequence[OrganSummary],
    overdue: Sequence[StepView],
    *,
    as_of: date,
    console: Console | None = None,
    organs_shown: int = 40,
) -> None:
    """Print the whole city in a screen: states by organ, then the longest overdue steps."""
    console = console or Console()
    console.print(f"[bold]Сроки по аккаунтам на {ru(as_of)}: сводка по органам[/]")
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    table.add_column("ID", justify="right")
    table.add_column("Орган", min_width=22)
    table.add_column("Акк.", justify="right")
    for name in ("Просроч.", "В раб.", "Ждёт", "В срок", "Поздно"):
        table.add_column(name, justify="right")
    for s in summary[:organs_shown]:
        table.add_row(
            str(s.organ_id),
            s.organ,
            str(s.accounts),
            f"[bold red]{s.overdue}[/]" if s.overdue else "0",
            str(s.pending),
            str(s.waiting),
            str(s.done),
            str(s.done_late),
        )
    console.print(table)
    if len(summary) > organs_shown:
        console.print(
            f"…и ещё органов: {len(summary) - organs_shown} (с меньшим числом просрочек)."
        )
    total = sum(s.overdue for s in summary)
    if overdue:
        late = Table(
            title=f"[bold]Дольше всех просрочены (показано {len(overdue)} из {total})[/]",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        late.add_column("Акк.", justify="right")
        late.add_column("Орган", min_width=26)
        late.add_column("Пункт", no_wrap=True)
        late.add_column("Срок", no_wrap=True)
        late.add_column("Просрочка", no_wrap=True)
        for v in overdue:
            late.add_row(
                str(v.account_id),
                v.organ,
                f"п. {v.clause}",
                _ru_iso(v.due),
                f"{v.late_working_days} раб. дн.",
            )
        console.print(late)
    else:
        console.print("Просроченных шагов нет.")
    console.print(
        "В раб.: срок не наступил; Ждёт: срок начнётся после предыдущего шага; Поздно: выполнено с опозданием.\n"
        "Подробно: srok status --organ ID или --account ID; все шаги: srok status --all; "
        "для программ: srok status --json."
    )
