"""The daily deadline sweep as use cases: plan the reminders, deliver them, summarise.

The Prefect flow calls these one task each; they know nothing of Prefect. Their
outputs name organs, clauses, states and reminder ids only: no specialist's
name, phone or address, so they are safe for logs and artifacts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from domain.dates import ru
from domain.lifecycle import RUSSIAN_STATE, StepState
from models.tables import Account, Organ, Step
from services.app import Srok
from services.delivery import DeliveryReport, WebLinks, deliver
from services.mail import MailSettings, build_notifier
from services.reminders import PlanReport, plan_reminders

KIND_RU = {
    "heads_up": "накануне срока",
    "due_today": "в день срока",
    "overdue": "о просрочке",
    "escalation": "эскалация",
}


def plan(app: Srok, *, as_of: date, dry_run: bool = False) -> PlanReport:
    """Queue the reminders due on ``as_of`` (one transaction)."""
    mail = MailSettings.from_env(app.settings.home)
    with app.transaction() as session:
        return plan_reminders(
            session=session,
            calendar=app.calendar,
            as_of=as_of,
            it_mailbox=mail.it_mailbox,
            dry_run=dry_run,
        )


def deliver_queued(app: Srok) -> DeliveryReport:
    """Deliver every queued reminder through the channel SROK_NOTIFIER names."""
    mail = MailSettings.from_env(app.settings.home)
    with app.transaction():
        pass  # fail early, with the usual message, on an uninitialised database
    return deliver(
        engine=app.engine,
        notifier=build_notifier(mail),
        sender=mail.sender,
        links=web_links(app),
    )


def web_links(app: Srok) -> WebLinks:
    """Letters link to the web app at SROK_WEB_URL, signed with the installation's secret."""
    import os

    from services.signing import secret_key

    return WebLinks(
        base_url=(os.environ.get("SROK_WEB_URL") or "http://127.0.0.1:8608").rstrip("/"),
        secret=secret_key(app.settings.home),
        calendar=app.calendar,
    )


def open_steps_by_organ(app: Srok, *, as_of: date, limit: int = 50) -> list[dict[str, Any]]:
    """Count open steps per organ and state, worst first: the table the IT department watches.

    Counted in SQL, so its cost does not grow with the city in Python; the
    ``limit`` organs with the most overdue steps are listed, then a total row.
    """
    due = col(Step.due)
    overdue = sa.func.sum(sa.case((sa.and_(due.is_not(None), due < as_of), 1), else_=0))
    pending = sa.func.sum(sa.case((sa.and_(due.is_not(None), due >= as_of), 1), else_=0))
    waiting = sa.func.sum(sa.case((due.is_(None), 1), else_=0))
    base = (
        sa.select(overdue.label("overdue"), pending.label("pending"), waiting.label("waiting"))
        .select_from(Step)
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(col(Step.done_on).is_(None), col(Account.active))
    )
    by_organ = (
        base.add_columns(col(Organ.name).label("organ"))
        .group_by(col(Organ.id), col(Organ.name))
        .order_by(sa.desc("overdue"), col(Organ.name))
        .limit(limit)
    )
    names = [RUSSIAN_STATE[s] for s in (StepState.OVERDUE, StepState.PENDING, StepState.WAITING)]
    with app.transaction() as session:
        rows = session.execute(by_organ).all()
        total = session.execute(base).one()

    def row(organ: str, r: Any) -> dict[str, Any]:
        return {
            "орган": organ,
            **dict(
                zip(
                    names,
                    (int(r.overdue or 0), int(r.pending or 0), int(r.waiting or 0)),
                    strict=True,
                )
            ),
        }

    return [row(r.organ, r) for r in rows] + [row("всего", total)]


@dataclass
class SweepSummary:
    as_of: str
    skipped_day_off: bool
    open_steps: int
    due: int
    queued: int
    by_kind: dict[str, int]
    sent: list[int]
    failed: list[int]
    retry_later: list[int]
    unknown: list[int]
    recovered: list[int]
    stopped: str | None
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not (self.failed or self.retry_later or self.unknown or self.stopped)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def summarise(
    report: PlanReport, delivery: DeliveryReport | None, *, dry_run: bool
) -> SweepSummary:
    d = delivery or DeliveryReport()
    return SweepSummary(
        as_of=report.as_of.isoformat(),
        skipped_day_off=report.skipped_day_off,
        open_steps=report.open_steps,
        due=report.due,
        queued=report.queued,
        by_kind=report.by_kind,
        sent=d.sent,
        failed=d.failed,
        retry_later=d.retry_later,
        unknown=d.unknown,
        recovered=d.recovered,
        stopped=d.stopped,
        dry_run=dry_run,
    )


def summary_markdown(s: SweepSummary) -> str:
    """Write the run's summary in Russian, reminders by id only."""
    day = ru(date.fromisoformat(s.as_of))
    if s.skipped_day_off:
        return f"# Проверка сроков на {day}\n\nНерабочий день: напоминания не отправляются.\n"
    kinds = ", ".join(f"{KIND_RU.get(k, k)}: {n}" for k, n in sorted(s.by_kind.items())) or "нет"
    lines = [
        f"# Проверка сроков на {day}" + (" (пробный запуск)" if s.dry_run else ""),
        "",
        f"- открытых шагов со сроком: {s.open_steps}",
        f"- напоминаний по графику: {s.due} ({kinds})",
        f"- поставлено в очередь сейчас: {s.queued}",
        f"- отправлено: {len(s.sent)}",
        f"- не доставлено (нужна проверка адреса): {len(s.failed)} {_ids(s.failed)}",
        f"- отложено после повторов (сбой сервера): {len(s.retry_later)} {_ids(s.retry_later)}",
        f"- исход неизвестен: {len(s.unknown)} {_ids(s.unknown)}",
        f"- восстановлено после сбоя прошлого запуска: {len(s.recovered)}",
    ]
    if s.stopped:
        lines += ["", f"**Доставка остановлена:** {s.stopped}. Напоминания остались в очереди."]
    lines += ["", "Подробности: `srok outbox list` (напоминания по номерам)."]
    return "\n".join(lines) + "\n"


def _ids(ids: list[int]) -> str:
    if not ids:
        return ""
    shown = ", ".join(f"№{i}" for i in ids[:20])
    return f"({shown}{', …' if len(ids) > 20 else ''})"
