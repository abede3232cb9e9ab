"""Compliance with the procedure, per organ and clause, for the deputy head of the city (п. 4).

A step counts under whoever owes it: the organ for п. 3.1, 3.2 and 1.4, the IT
department for п. 3.4 and 3.5 (whichever organ's account it is), and in the
quarter its due date falls in. It was met on time, met
late (by so many working days), or is still overdue as of the report's day;
steps not yet due are pending and count in no rate. The on-time rate is the
share of steps met on time among those due in the quarter.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clauses import CLAUSES, FINDING_CLAUSES, IT_DEPARTMENT, Party
from domain.errors import NotFound
from domain.lifecycle import StepState, evaluate
from domain.networks import NETWORKS
from domain.quarter import Quarter
from models.tables import Account, Organ, Reminder, Step
from services.moderation_time import moderation_by_organ
from services.standing_report import standing_by_organ


@dataclass
class Tally:
    """What was due in a quarter and how it went; ``judged`` = on_time + late + overdue."""

    due: int = 0  # every step whose due date falls in the quarter
    on_time: int = 0
    late: int = 0
    late_days: int = 0  # working days, summed over the late steps
    overdue: int = 0
    pending: int = 0  # due later than the report's day: counted in no rate
    reminders: int = 0

    @property
    def judged(self) -> int:
        return self.due - self.pending

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.judged, 3) if self.judged else None

    def add(self, other: Tally) -> None:
        for name in ("due", "on_time", "late", "late_days", "overdue", "pending", "reminders"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "on_time": self.on_time,
            "late": self.late,
            "late_days": self.late_days,
            "overdue": self.overdue,
            "pending": self.pending,
            "reminders": self.reminders,
            "judged": self.judged,
            "on_time_rate": self.on_time_rate,
        }


@dataclass
class Report:
    quarter: str
    as_of: str
    organs: dict[str, dict[str, Tally]] = field(default_factory=dict)  # organ -> clause -> tally
    totals: dict[str, Tally] = field(default_factory=dict)  # organ -> tally
    overall: Tally = field(default_factory=Tally)  # the whole city (or the one organ asked)
    worst: list[dict[str, Any]] = field(default_factory=list)
    late_now: list[dict[str, Any]] = field(default_factory=list)  # open and past due today
    late_now_total: int = 0
    trend: dict[str, dict[str, float | None]] = field(
        default_factory=dict
    )  # organ -> quarter -> rate
    standing: list[dict[str, Any]] = field(default_factory=list)  # п. 2.1, 2.4, 1.6 per organ
    moderation: list[dict[str, Any]] = field(default_factory=list)  # п. 2.5 per organ

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "as_of": self.as_of,
            "overall": self.overall.as_dict(),
            "organs": {o: {c: t.as_dict() for c, t in cl.items()} for o, cl in self.organs.items()},
            "totals": {o: t.as_dict() for o, t in self.totals.items()},
            "worst": self.worst,
            "late_now": self.late_now,
            "late_now_total": self.late_now_total,
            "trend": self.trend,
            "standing": self.standing,
            "moderation": self.moderation,
        }


def _sent_reminders(first: date, last: date, organ_id: int | None) -> sa.Select[int, int]:
    """Count sent reminders per step of the steps due in [first, last], by a join.

    A list of step ids in an ``IN`` breaks past SQLite's and psycopg's parameter
    limits (65,535) on a large city; a join takes two parameters whatever the size.
    """
    query = (
        sa.select(col(Reminder.step_id), sa.func.count())
        .join(Step, col(Step.id) == col(Reminder.step_id))
        .where(col(Reminder.state) == "sent", col(Step.due) >= first, col(Step.due) <= last)
        .group_by(col(Reminder.step_id))
    )
    if organ_id is not None:
        query = query.join(Account, col(Account.id) == col(Step.account_id)).where(
            col(Account.organ_id) == organ_id
        )
    return query


def step_rows(where: Any, organ_id: int | None) -> sa.Select[*tuple[Any, ...]]:
    """Select plain columns of the steps ``where`` holds: no ORM object per row."""
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Step.id),
            col(Step.clause),
            col(Step.due),
            col(Step.done_on),
            col(Account.id).label("account_id"),
            col(Account.network),
            col(Account.url),
            col(Organ.name).label("organ"),
        )
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Organ, col(Organ.id) == col(Account.organ_id))
        .where(where, col(Step.clause).not_in(FINDING_CLAUSES))  # findings are told, not due
    )
    if organ_id is not None:
        query = query.where(col(Account.organ_id) == organ_id)
    return query


def case_of(row: Any, status: Any, reminders: int) -> dict[str, Any]:
    """Describe one late step for the report: who owes it, which account, how late.

    ``row`` has the columns ``step_rows`` selects; ``status`` is evaluate's verdict.
    """
    return {
        "account_id": row.account_id,
        "owner": IT_DEPARTMENT if CLAUSES[row.clause].party is Party.IT else row.organ,
        "organ": row.organ,
        "network": NETWORKS[row.network].russian,
        "url": row.url,
        "clause": row.clause,
        "duty": CLAUSES[row.clause].duty,
        "due": row.due.isoformat() if row.due else None,
        "done": row.done_on.isoformat() if row.done_on else None,
        "state": status.state.value,
        "late_working_days": status.late_working_days,
        "reminders": reminders,
    }


def lateness_key(c: dict[str, Any]) -> tuple[int, str, str, int, str]:
    """Order late cases the longest first, then by owner, organ, account and clause."""
    return (
        -int(c["late_working_days"]),
        str(c["owner"]),
        str(c["organ"]),
        int(c["account_id"] or 0),
        str(c["clause"]),
    )


def _tallies(
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    organ_id: int | None,
    *,
    worst: int = 0,
) -> tuple[dict[str, dict[str, Tally]], list[dict[str, Any]]]:
    """Tally the quarter's steps by owner and clause; return the ``worst`` late cases too.

    The rows stream past (plain columns, no ORM loading); a step is judged once
    per distinct pair of dates, and only the ``worst`` late cases are kept.
    """
    in_quarter = sa.and_(col(Step.due) >= quarter.first_day, col(Step.due) <= quarter.last_day)
    sent: dict[int, int] = dict(
        session.execute(_sent_reminders(quarter.first_day, quarter.last_day, organ_id)).all()
    )
    organs: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    judged: dict[tuple[date | None, date | None], Any] = {}
    late: list[tuple[tuple[int, str, str, int, str], Any]] = []
    rows = session.connection().execute(
        step_rows(in_quarter, organ_id).execution_options(yield_per=5000)
    )
    for row in rows:
        clause = row.clause
        who = IT_DEPARTMENT if CLAUSES[clause].party is Party.IT else row.organ
        tally = organs[who][clause]
        key = (row.due, row.done_on)
        status = judged.get(key)
        if status is None:
            status = judged[key] = evaluate(calendar, due=key[0], done_on=key[1], as_of=as_of)
        tally.due += 1
        tally.reminders += sent.get(row.id, 0)
        state = status.state
        if state is StepState.DONE:
            tally.on_time += 1
        elif state is StepState.DONE_LATE:
            tally.late += 1
            tally.late_days += status.late_working_days
        elif state is StepState.OVERDUE:
            tally.overdue += 1
        else:
            tally.pending += 1
        if worst and status.late_working_days:
            late.append(((-status.late_working_days, who, row.organ, row.account_id, clause), row))
            if len(late) > 2 * worst + 1000:  # keep memory flat: only the worst can stay
                late = heapq.nsmallest(worst, late, key=_first)
    cases = [
        case_of(row, judged[(row.due, row.done_on)], sent.get(row.id, 0))
        for _, row in heapq.nsmallest(worst, late, key=_first)
    ]
    # The organs by name, then the IT department, so its own steps stand apart.
    order = sorted(organs, key=lambda o: (o == IT_DEPARTMENT, o))
    return {o: dict(organs[o]) for o in order}, cases


def _first(item: tuple[Any, Any]) -> Any:
    return item[0]


def late_now_cases(
    session: Session, calendar: WorkingCalendar, as_of: date, organ_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The steps still open past their due date on ``as_of``, the longest first, and how many.

    Whatever quarter they fell in; counted and ordered in SQL, so only ``limit``
    rows are read however late the city is.
    """
    open_late = sa.and_(col(Step.done_on).is_(None), col(Step.due) < as_of)
    total = session.execute(
        sa.select(sa.func.count()).select_from(step_rows(open_late, organ_id).subquery())
    ).scalar_one()
    rows = session.execute(
        step_rows(open_late, organ_id)
        .order_by(col(Step.due), col(Organ.name), col(Account.id), col(Step.clause))
        .limit(limit)
    )
    cases = [
        case_of(row, evaluate(calendar, due=row.due, done_on=None, as_of=as_of), 0) for row in rows
    ]
    return sorted(cases, key=lateness_key), int(total)


def compliance_report(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    as_of: date,
    organ_id: int | None = None,
    worst: int = 10,
    late_now: int = 30,
) -> Report:
    """Count, per organ and clause, what was due in ``quarter`` and how it went, as of ``as_of``.

    Also list who is late with what on ``as_of`` (at most ``late_now`` rows, the
    latest first, with the total) and each organ's on-time rate over four quarters.
    """
    if organ_id is not None and session.get(Organ, organ_id) is None:
        raise NotFound("--organ", f"нет органа с id {organ_id}", "4")
    organs, cases = _tallies(session, calendar, quarter, as_of, organ_id, worst=worst)
    report = Report(quarter=str(quarter), as_of=as_of.isoformat(), organs=organs, worst=cases)
    report.late_now, report.late_now_total = late_now_cases(
        session, calendar, as_of, organ_id, late_now
    )
    report.standing = standing_by_organ(session=session, quarter=quarter, organ_id=organ_id)
    report.moderation = moderation_by_organ(
        session=session, calendar=calendar, quarter=quarter, as_of=as_of, organ_id=organ_id
    )
    add_totals_and_trend(
        report,
        quarter=quarter,
        tallies_of=lambda q: _tallies(session, calendar, q, as_of, organ_id)[0],
    )
    return report


def add_totals_and_trend(
    report: Report,
    *,
    quarter: Quarter,
    tallies_of: Callable[[Quarter], dict[str, dict[str, Tally]]],
) -> None:
    """Sum each organ's clauses and the city's, and each organ's on-time rate over four quarters.

    ``tallies_of`` counts an earlier quarter the way ``report.organs`` was counted:
    compliance_report judges rows in Python, services.figures counts in SQL.
    """
    organs = report.organs
    for organ, clauses in organs.items():
        total = Tally()
        for tally in clauses.values():
            total.add(tally)
        report.totals[organ] = total
        report.overall.add(total)
    quarters = [quarter]
    for _ in range(3):
        quarters.insert(0, quarters[0].previous())
    for q in quarters:
        past = organs if q == quarter else tallies_of(q)
        for organ in set(past) | set(organs):
            total = Tally()
            for tally in past.get(organ, {}).values():
                total.add(tally)
            report.trend.setdefault(organ, {})[str(q)] = total.on_time_rate
    report.trend = {
        o: dict(sorted(report.trend[o].items()))
        for o in sorted(report.trend, key=lambda o: (o == IT_DEPARTMENT, o))
    }


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
    from services.email_address import env_email
    from services.mail import MailSettings, build_notifier
    from services.steps import record_event

    to = env_email(os.environ, "SROK_REPORT_EMAIL")
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
