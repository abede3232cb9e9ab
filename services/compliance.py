"""Compliance with the procedure, per organ and clause, for the deputy head of the city (п. 4).

A step counts in the quarter its due date falls in. It was met on time, met
late (by so many working days), or is still overdue as of the report's day;
steps not yet due are pending and count in no rate. The on-time rate is the
share of steps met on time among those due in the quarter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES
from domain.lifecycle import StepState, evaluate
from domain.networks import NETWORKS
from domain.quarter import Quarter
from models.tables import Account, Organ, Reminder, Step


@dataclass
class Tally:
    due: int = 0
    on_time: int = 0
    late: int = 0
    late_days: int = 0  # working days, summed over the late steps
    overdue: int = 0
    pending: int = 0
    reminders: int = 0

    @property
    def on_time_rate(self) -> float | None:
        judged = self.due - self.pending
        return round(self.on_time / judged, 3) if judged else None

    def add(self, other: Tally) -> None:
        for name in ("due", "on_time", "late", "late_days", "overdue", "pending", "reminders"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "on_time_rate": self.on_time_rate}


@dataclass
class Report:
    quarter: str
    as_of: str
    organs: dict[str, dict[str, Tally]] = field(default_factory=dict)  # organ -> clause -> tally
    totals: dict[str, Tally] = field(default_factory=dict)  # organ -> tally
    worst: list[dict[str, Any]] = field(default_factory=list)
    trend: dict[str, dict[str, float | None]] = field(
        default_factory=dict
    )  # organ -> quarter -> rate

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "as_of": self.as_of,
            "organs": {o: {c: t.as_dict() for c, t in cl.items()} for o, cl in self.organs.items()},
            "totals": {o: t.as_dict() for o, t in self.totals.items()},
            "worst": self.worst,
            "trend": self.trend,
        }


def _tallies(
    session: Session, calendar: WorkingCalendar, quarter: Quarter, as_of: date, organ_id: int | None
) -> tuple[dict[str, dict[str, Tally]], list[dict[str, Any]]]:
    query = (
        select(Step, Account, Organ)
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(col(Step.due) >= quarter.first_day, col(Step.due) <= quarter.last_day)
    )
    if organ_id is not None:
        query = query.where(Account.organ_id == organ_id)
    rows = session.exec(query).all()
    # The same steps by the same conditions, joined rather than listed: a city-sized
    # quarter has more steps than SQLite accepts parameters (32,766).
    reminders = (
        sa.select(col(Reminder.step_id), sa.func.count())
        .join(Step, col(Step.id) == col(Reminder.step_id))
        .where(
            col(Step.due) >= quarter.first_day,
            col(Step.due) <= quarter.last_day,
            col(Reminder.state) == "sent",
        )
        .group_by(col(Reminder.step_id))
    )
    if organ_id is not None:
        reminders = reminders.join(Account, col(Account.id) == col(Step.account_id)).where(
            col(Account.organ_id) == organ_id
        )
    sent: dict[int, int] = dict(session.execute(reminders).all())
    organs: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    cases: list[dict[str, Any]] = []
    for step, account, organ in rows:
        tally = organs[organ.name][step.clause]
        status = evaluate(calendar, due=step.due, done_on=step.done_on, as_of=as_of)
        tally.due += 1
        tally.reminders += sent.get(step.id or 0, 0)
        if status.state is StepState.DONE:
            tally.on_time += 1
        elif status.state is StepState.DONE_LATE:
            tally.late += 1
            tally.late_days += status.late_working_days
        elif status.state is StepState.OVERDUE:
            tally.overdue += 1
        else:
            tally.pending += 1
        if status.late_working_days:
            cases.append(
                {
                    "account_id": account.id,
                    "organ": organ.name,
                    "network": NETWORKS[account.network].russian,
                    "url": account.url,
                    "clause": step.clause,
                    "duty": CLAUSES[step.clause].duty,
                    "due": step.due.isoformat() if step.due else None,
                    "done": step.done_on.isoformat() if step.done_on else None,
                    "state": status.state.value,
                    "late_working_days": status.late_working_days,
                    "reminders": sent.get(step.id or 0, 0),
                }
            )
    cases.sort(
        key=lambda c: (
            -int(c["late_working_days"]),
            str(c["organ"]),
            int(c["account_id"] or 0),
            str(c["clause"]),
        )
    )
    return {o: dict(c) for o, c in sorted(organs.items())}, cases


def compliance_report(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    organ_id: int | None = None,
    worst: int = 10,
) -> Report:
    """Count, per organ and clause, what was due in ``quarter`` and how it went, as of ``as_of``."""
    organs, cases = _tallies(session, calendar, quarter, as_of, organ_id)
    report = Report(
        quarter=str(quarter), as_of=as_of.isoformat(), organs=organs, worst=cases[:worst]
    )
    for organ, clauses in organs.items():
        total = Tally()
        for tally in clauses.values():
            total.add(tally)
        report.totals[organ] = total
    quarters = [quarter]
    for _ in range(3):
        quarters.insert(0, quarters[0].previous())
    for q in quarters:
        past, _ = _tallies(session, calendar, q, as_of, organ_id)
        for organ in set(past) | set(organs):
            total = Tally()
            for tally in past.get(organ, {}).values():
                total.add(tally)
            report.trend.setdefault(organ, {})[str(q)] = total.on_time_rate
    report.trend = {o: dict(sorted(t.items())) for o, t in sorted(report.trend.items())}
    return report


def render(report: Report, fmt: str) -> bytes:
    """Return the report as html, csv or json bytes."""
    import json

    from publication.compliance_html import render_csv, render_html

    data = report.as_dict()
    if fmt == "html":
        return render_html(data)
    if fmt == "csv":
        return render_csv(data)
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def email_report(app: Any, *, quarter: Quarter, as_of: date, actor: str) -> str:
    """Mail a quarter's report to the deputy head (SROK_REPORT_EMAIL) once; say what happened.

    The letter's key is the quarter: a channel that has it already (outbox file,
    Exchange Sent Items) is not asked to send it again, and the sending is
    recorded as an event that later runs see.
    """
    import os

    from domain.errors import RuleViolation
    from models.tables import Event
    from notifications.base import OutgoingMessage
    from services.mail import MailSettings, build_notifier
    from services.steps import record_event

    to = os.environ.get("SROK_REPORT_EMAIL")
    if not to:
        raise RuleViolation("SROK_REPORT_EMAIL", "не задан ящик заместителя главы для отчёта", "4")
    key = f"compliance:{quarter}"
    with app.transaction() as session:
        done = session.exec(
            select(Event).where(
                Event.kind == "compliance_report_sent", col(Event.details).contains(str(quarter))
            )
        ).first()
        if done is not None:
            return f"отчёт за {quarter} уже отправлен"
        report = compliance_report(
            session=session, calendar=app.calendar, quarter=quarter, as_of=as_of
        )
    totals = "\n".join(
        f"- {o}: вовремя {_rate(t.on_time_rate)}, просрочено {t.overdue}"
        for o, t in report.totals.items()
    )
    mail = MailSettings.from_env(app.settings.home)
    notifier = build_notifier(mail)
    message = OutgoingMessage(
        key=key,
        sender=mail.sender,
        to=(to,),
        cc=(),
        subject=f"Исполнение Порядка ведения аккаунтов (постановление № 608) за {quarter.russian()}",
        text=f"Отчёт об исполнении сроков за {quarter.russian()} (на {as_of.isoformat()}).\n\n"
        f"{totals}\n\nПодробный отчёт с диаграммой — в HTML-версии письма.\n",
        html=render(report, "html").decode("utf-8"),
    )
    try:
        if notifier.was_sent(key) is not True:
            notifier.send(message)
    finally:
        notifier.close()
    with app.transaction() as session:
        record_event(
            session,
            kind="compliance_report_sent",
            occurred_on=as_of,
            actor=actor,
            quarter=str(quarter),
            channel=notifier.channel,
        )
    return f"отчёт за {quarter} отправлен ({notifier.channel})"


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"
