"""The daily deadline sweep as use cases: plan the reminders, deliver them, summarise.

The Prefect flow calls these one task each; they know nothing of Prefect. Their
outputs name organs, clauses, states and reminder ids only: no specialist's
name, phone or address, so they are safe for logs and artifacts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from domain.clauses import IT_DEPARTMENT, it_clauses
from domain.dates import ru
from domain.errors import RuleViolation
from domain.lifecycle import RUSSIAN_STATE, StepState
from models.tables import Account, Organ, Reminder, Step
from services.app import Srok
from services.delivery import DeliveryReport, ItContact, WebLinks, deliver
from services.findings import open_finding_steps
from services.mail import MailSettings, build_notifier, check_channel
from services.moderation_reminders import open_moderation_steps
from services.protection import open_protection_steps, protection_days
from services.reminders import PlanReport, plan_reminders
from services.settings import CITY_ZONE

KIND_RU = {
    "heads_up": "накануне срока",
    "due_today": "в день срока",
    "overdue": "о просрочке",
    "escalation": "эскалация",
}


def check_sweep(app: Srok, *, as_of: date, dry_run: bool) -> MailSettings:
    """Refuse a sweep that would do harm, before anything is queued.

    A sweep for a day still to come would send its reminders today ("overdue by
    59 working days") and claim their keys, so the real ones would never go on
    that day: only a dry run may look ahead. A channel whose settings are wrong
    would fail after the reminders were queued: its settings are checked first.
    """
    today = app.today()
    if as_of > today and not dry_run:
        raise RuleViolation(
            "--as-of",
            f"{ru(as_of)} ещё не наступило (сегодня {ru(today)}): напоминания на будущий день "
            "не отправляются; заглянуть вперёд можно с --dry-run",
        )
    mail = MailSettings.from_env(app.settings.home)
    if not dry_run:
        check_channel(mail)
    return mail


def plan(app: Srok, *, as_of: date, dry_run: bool = False) -> PlanReport:
    """Queue the reminders due on ``as_of`` (one transaction), after ``check_sweep``."""
    mail = check_sweep(app, as_of=as_of, dry_run=dry_run)
    with app.transaction() as session:
        if not dry_run:  # п. 1.6: the quarter's confirmation steps, before their reminders
            open_protection_steps(
                session=session, calendar=app.calendar, as_of=as_of, working_days=protection_days()
            )
            open_finding_steps(session=session, calendar=app.calendar)  # п. 2.1, 2.4
            open_moderation_steps(session=session, calendar=app.calendar, as_of=as_of)  # п. 2.5
        return plan_reminders(
            session=session,
            calendar=app.calendar,
            as_of=as_of,
            it_mailbox=mail.it_mailbox,
            it_supervisor=mail.it_supervisor,
            dry_run=dry_run,
        )


def check_channel_now(app: Srok) -> None:
    """Check the channel's settings before anything is requeued (`srok outbox retry`)."""
    check_channel(MailSettings.from_env(app.settings.home))


def deliver_queued(app: Srok, *, backoff: Callable[[int], float] | None = None) -> DeliveryReport:
    """Deliver every queued reminder through the channel SROK_NOTIFIER names.

    What did not go out is grouped by its recorded error (which never holds
    personal data), so a red run says why, per channel, and not only which.
    """
    mail = MailSettings.from_env(app.settings.home)
    with app.transaction():
        pass  # fail early, with the usual message, on an uninitialised database
    report = deliver(
        engine=app.engine,
        notifier=build_notifier(mail),
        sender=mail.sender,
        backoff=backoff,
        links=web_links(app),
        it_contact=ItContact(mail.it_mailbox, os.environ.get("SROK_IT_PHONE", "").strip()),
    )
    report.channel = mail.channel
    ids = sorted(set(report.failed + report.retry_later + report.unknown))
    if ids:
        with app.transaction() as session:
            for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
                for reminder_id, error in session.execute(
                    sa.select(col(Reminder.id), col(Reminder.last_error)).where(
                        col(Reminder.id).in_(chunk)
                    )
                ):
                    cause = error or "причина не записана"
                    report.causes.setdefault(cause, []).append(reminder_id)
    return report


def sent_earlier(app: Srok, *, as_of: date) -> tuple[int, datetime | None]:
    """Count the reminders of ``as_of`` already sent, and when the last of them went."""
    with app.transaction() as session:
        count, last = session.execute(
            sa.select(sa.func.count(), sa.func.max(col(Reminder.sent_at))).where(
                col(Reminder.on_date) == as_of, col(Reminder.state) == "sent"
            )
        ).one()
    return int(count), last


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
    """Count open steps per owner and state, worst first: the table the IT department watches.

    The owner is the organ for п. 3.1, 3.2 and 1.4 and the IT department itself for
    п. 3.4 and 3.5, on a row of its own. Counted in SQL, so its cost does not grow
    with the city in Python; the ``limit`` owners with the most overdue steps are
    listed, then a total row.
    """
    owner = sa.case(
        (col(Step.clause).in_(it_clauses()), sa.literal(IT_DEPARTMENT)), else_=col(Organ.name)
    )
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
        base.add_columns(owner.label("organ"))
        .group_by(owner)
        .order_by(sa.desc("overdue"), owner)
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
    partial: dict[int, int] = field(default_factory=dict)  # reminder id -> recipients refused
    checked: list[dict[str, Any]] = field(default_factory=list)  # unknown ones: what was found
    channel: str | None = None
    causes: dict[str, list[int]] = field(default_factory=dict)  # why, for what was not sent
    sent_before: int = 0  # today's reminders sent by an earlier run
    sent_before_at: str | None = None  # when the last of them went, in the city's time

    @property
    def ok(self) -> bool:
        return not (self.failed or self.retry_later or self.unknown or self.stopped)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def summarise(
    report: PlanReport,
    delivery: DeliveryReport | None,
    *,
    dry_run: bool,
    sent_before: tuple[int, datetime | None] = (0, None),
) -> SweepSummary:
    d = delivery or DeliveryReport()
    earlier, at = sent_before
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
        partial=d.partial,
        checked=d.checked,
        channel=d.channel,
        causes=d.causes,
        sent_before=earlier,
        sent_before_at=at.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M") if at else None,
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
        *(
            [
                f"- уже отправлено раньше сегодня: {s.sent_before}"
                + (f" (последнее — {s.sent_before_at}, Asia/Barnaul)" if s.sent_before_at else "")
                + ": повторный запуск ничего не отправляет второй раз"
            ]
            if s.sent_before
            else []
        ),
        f"- не доставлено (нужна проверка адреса): {len(s.failed)} {_ids(s.failed)}",
        f"- отложено после повторов (сбой сервера): {len(s.retry_later)} {_ids(s.retry_later)}",
        f"- исход неизвестен: {len(s.unknown)} {_ids(s.unknown)}",
        f"- восстановлено после сбоя прошлого запуска: {len(s.recovered)}",
        f"- отправлено не всем получателям (сервер отклонил часть): {len(s.partial)} "
        + _refused(s.partial),
    ]
    if s.checked:
        lines += ["", "Проверка у канала напоминаний с неизвестным исходом:"]
        lines += [f"- №{c['id']}: {c['found']}" for c in s.checked]
    if s.causes:
        lines += ["", f"Причины (канал {s.channel or '—'}):"]
        lines += [f"- {cause}: {_ids(ids)}" for cause, ids in sorted(s.causes.items())]
    if s.stopped:
        lines += ["", f"**Доставка остановлена:** {s.stopped}. Напоминания остались в очереди."]
    lines += ["", "Подробности: `srok outbox list` (напоминания по номерам)."]
    return "\n".join(lines) + "\n"


def not_delivered(s: SweepSummary) -> str:
    """Say in Russian why a run is red: which reminders, and what to do."""
    parts = []
    if s.failed:
        parts.append(f"не доставлены (нужна проверка адреса) {_ids(s.failed)}")
    if s.retry_later:
        parts.append(f"отложены после повторов {_ids(s.retry_later)}")
    if s.unknown:
        parts.append(f"исход неизвестен {_ids(s.unknown)}")
    if s.stopped:
        parts.append(f"доставка остановлена: {s.stopped}")
    causes = "; ".join(f"{cause} {_ids(ids)}" for cause, ids in sorted(s.causes.items()))
    return (
        "не доставлены напоминания: "
        + "; ".join(parts)
        + (f". Причина (канал {s.channel or '—'}): {causes}" if causes else "")
        + ". Подробности: `srok outbox list`; повторить: `srok outbox retry`"
    )


def _refused(partial: dict[int, int]) -> str:
    if not partial:
        return ""
    return "(" + ", ".join(f"№{i}: {n}" for i, n in sorted(partial.items())) + ")"


def _ids(ids: list[int]) -> str:
    if not ids:
        return ""
    shown = ", ".join(f"№{i}" for i in ids[:20])
    return f"({shown}{', …' if len(ids) > 20 else ''})"
