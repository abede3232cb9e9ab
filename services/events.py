"""Use cases that close steps: notice sent (п. 3.1/3.2), registry entry (3.4), link (1.4), publication (3.5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.checks import not_before, not_in_future, publishable
from domain.dates import ru
from domain.deadlines import DateRule
from domain.errors import RuleViolation
from domain.lifecycle import publication_deadline, registry_deadline
from domain.quarter import Quarter
from domain.web_address import parse_web_address
from models.tables import Cycle, Publication, Step
from services.accounts import get_account
from services.steps import ClosedStep, close_step, close_steps_batched, record_event, set_deadline

NOTICE_CLAUSES = ("3.1", "3.2")


def _open_steps(
    session: Session, account_id: int, clauses: tuple[str, ...]
) -> list[tuple[Step, Cycle]]:
    rows = session.exec(
        select(Step, Cycle)
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .where(
            Step.account_id == account_id,
            col(Step.clause).in_(clauses),
            col(Step.done_on).is_(None),
        )
        .order_by(col(Cycle.occurred_on), col(Step.id))
    )
    return list(rows)


def _last_done(session: Session, account_id: int, clauses: tuple[str, ...]) -> Step | None:
    return session.exec(
        select(Step)
        .where(
            Step.account_id == account_id,
            col(Step.clause).in_(clauses),
            col(Step.done_on).is_not(None),
        )
        .order_by(col(Step.done_on).desc())
    ).first()


def _nothing_open(
    session: Session, account_id: int, clauses: tuple[str, ...], what: str, clause: str
) -> RuleViolation:
    done = _last_done(session, account_id, clauses)
    already = f": уже записано {ru(done.done_on)}" if done and done.done_on else ""
    return RuleViolation(
        "--account", f"у аккаунта {account_id} нет открытого шага «{what}»{already}", clause
    )


def record_notice(
    *,
    session: Session,
    calendar: WorkingCalendar,
    account_id: int,
    on: date,
    received_on: date | None,
    actor: str,
    today: date,
) -> list[Step]:
    """Record that the organ notified the IT department; start the п. 3.4 term from receipt.

    One notice covers every open creation or change notice of the account that
    it can be about (its cycle began on or before the notice was sent).
    """
    account = get_account(session, account_id)
    received = received_on or on
    not_in_future("--on", on, today=today, clause="3.1")
    not_before("--on", on, earliest=account.created_on, what="создан аккаунт", clause="3.1")
    not_in_future("--received-on", received, today=today, clause="3.4")
    not_before("--received-on", received, earliest=on, what="отправлено уведомление", clause="3.4")
    open_notices = _open_steps(session, account_id, NOTICE_CLAUSES)
    if not open_notices:
        raise _nothing_open(session, account_id, NOTICE_CLAUSES, "уведомление", "3.1")
    covered = [(s, c) for s, c in open_notices if c.occurred_on <= on]
    if not covered:
        first = open_notices[0][1]
        raise RuleViolation(
            "--on",
            f"{ru(on)} — раньше изменения, о котором уведомление ({ru(first.occurred_on)})",
            open_notices[0][0].clause,
        )
    deadline = registry_deadline(calendar, received_on=received)
    closed: list[Step] = []
    for step, cycle in covered:
        close_step(
            session, step, on=on, evidence=f"поступило в отдел информатизации {ru(received)}"
        )
        session.add(step)
        entry = session.exec(
            select(Step).where(Step.cycle_id == cycle.id, Step.clause == "3.4")
        ).one()
        set_deadline(session, entry, deadline, counted_from=received, calendar=calendar)
        session.add(entry)
        closed.append(step)
    record_event(
        session,
        kind="notice_sent",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        received_on=received,
        step_ids=[s.id for s in closed],
    )
    return closed


def record_registry_entry(
    *,
    session: Session,
    calendar: WorkingCalendar,
    account_id: int,
    on: date,
    rule: DateRule,
    actor: str,
    today: date,
) -> list[Step]:
    """Record the IT department's registry entry; start the п. 3.5 term by its quarter."""
    get_account(session, account_id)
    not_in_future("--on", on, today=today, clause="3.4")
    open_entries = _open_steps(session, account_id, ("3.4",))
    started = [(s, c) for s, c in open_entries if s.due is not None]
    if not started:
        if open_entries:
            raise RuleViolation(
                "--account",
                f"по аккаунту {account_id} уведомление ещё не поступило: вносить в Реестр нечего",
                "3.1",
            )
        raise _nothing_open(session, account_id, ("3.4",), "внесение в Реестр", "3.4")
    deadline = publication_deadline(calendar, entered_on=on, rule=rule)
    closed: list[Step] = []
    for step, cycle in started:
        assert step.counted_from is not None
        not_before(
            "--on", on, earliest=step.counted_from, what="поступило уведомление", clause="3.4"
        )
        close_step(session, step, on=on)
        session.add(step)
        publication = session.exec(
            select(Step).where(Step.cycle_id == cycle.id, Step.clause == "3.5")
        ).one()
        set_deadline(session, publication, deadline, counted_from=on, calendar=calendar)
        session.add(publication)
        closed.append(step)
    record_event(
        session,
        kind="registry_entered",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        step_ids=[s.id for s in closed],
    )
    return closed


def record_link(
    *,
    session: Session,
    account_id: int,
    on: date,
    page: str | None,
    actor: str,
    today: date,
) -> list[Step]:
    """Record that links to the account were put on the city site (п. 1.4)."""
    account = get_account(session, account_id)
    not_in_future("--on", on, today=today, clause="1.4")
    not_before("--on", on, earliest=account.created_on, what="создан аккаунт", clause="1.4")
    if page is not None:
        parse_web_address("--page", page, clause="1.4")
        page = page.strip()
    open_links = [
        (s, c) for s, c in _open_steps(session, account_id, ("1.4",)) if c.occurred_on <= on
    ]
    if not open_links:
        raise _nothing_open(session, account_id, ("1.4",), "ссылка на сайте города", "1.4")
    for step, _ in open_links:
        close_step(session, step, on=on, evidence=f"ссылка размещена: {page}" if page else None)
        session.add(step)
    record_event(
        session,
        kind="link_posted",
        occurred_on=on,
        actor=actor,
        account_id=account_id,
        page=page,
        step_ids=[s.id for s, _ in open_links],
    )
    return [s for s, _ in open_links]


def record_publication(
    *, session: Session, quarter_text: str, on: date, actor: str, today: date
) -> tuple[Publication, list[ClosedStep]]:
    """Record a publication of the public registry; close every п. 3.5 step it includes.

    The published registry holds every entry made up to the day of publication,
    so an entry made after the quarter ended but before publishing is covered too.
    """
    steps: list[ClosedStep] = []
    publication, _ = record_publication_counted(
        session=session,
        quarter_text=quarter_text,
        on=on,
        actor=actor,
        today=today,
        each=steps.extend,
    )
    return publication, steps


def record_publication_counted(
    *,
    session: Session,
    quarter_text: str,
    on: date,
    actor: str,
    today: date,
    each: Callable[[list[ClosedStep]], object] | None = None,
) -> tuple[Publication, int]:
    """Record a publication as ``record_publication``; return how many steps it closed.

    What `srok publication make` calls: a large city's closed steps are counted,
    not listed (``each`` sees them a batch at a time).
    """
    try:
        quarter = Quarter.parse(quarter_text)
    except ValueError as exc:
        raise RuleViolation("--quarter", str(exc), "3.5") from None
    not_in_future("--on", on, today=today, clause="3.5")
    publishable(quarter, on)
    existing = session.exec(select(Publication).where(Publication.quarter == str(quarter))).first()
    if existing is not None:
        raise RuleViolation(
            "--quarter", f"публикация за {quarter} уже записана {ru(existing.published_on)}", "3.5"
        )
    publication = Publication(quarter=str(quarter), published_on=on)
    session.add(publication)
    session.flush()
    closed = close_steps_batched(
        session,
        [
            col(Step.clause) == "3.5",
            col(Step.counted_from).is_not(None),
            col(Step.counted_from) <= on,
        ],
        on=on,
        evidence=f"опубликовано за {quarter}",
        each=each,
    )
    record_event(
        session,
        kind="registry_published",
        occurred_on=on,
        actor=actor,
        quarter=str(quarter),
        publication_id=publication.id,
        steps=closed,
    )
    return publication, closed
