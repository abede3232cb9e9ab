"""П. 3.1: accounts the organs' pages link to that srok was never told of, as findings for IT.

Each organ's page on the city site (the one п. 1.4 reads) is fetched once; a
link to a social-network account that matches no account in srok, active or
closed, compared by canonical address, opens a finding with the page and the
date first seen. It stays open, seen again on each look, until the account is
registered in srok (closed as "registered" on the next look or listing) or
someone marks it as not the organ's (``dismiss_finding``, with the reason).
Opening and closing enter the audit chain; each look is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import NotFound, RuleViolation
from domain.text import clean_text
from domain.unnotified import UNNOTIFIED_ACCOUNTS, SocialLink, social_links, unnotified
from models.tables import Account, Organ, UnnotifiedAccount
from services.accounts import get_organ
from services.app import Srok
from services.audit import append
from services.links import Fetcher

OPENED = "unnotified.opened"
CLOSED = "unnotified.closed"
REGISTERED = "registered"
DISMISSED = "dismissed"


@dataclass
class PageLook:
    """One organ's page: the accounts it links to that srok does not know, or why not read."""

    organ_id: int
    organ: str
    page: str
    problem: str | None = None
    links: int = 0  # links to accounts on the page
    unknown: list[str] = field(default_factory=list)  # canonical addresses


@dataclass
class ScanReport:
    checked_on: str
    pages: list[PageLook] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # finding ids
    closed: list[int] = field(default_factory=list)


def _known(session: Session) -> dict[str, int]:
    rows = session.exec(select(Account.url, Account.id)).all()
    return {url: account_id or 0 for url, account_id in rows}


def close_registered(
    *, session: Session, today: date, actor: str, known: dict[str, int] | None = None
) -> list[int]:
    """Close each open finding whose account has since been registered in srok."""
    known = _known(session) if known is None else known
    closed = []
    for row in session.exec(
        select(UnnotifiedAccount).where(col(UnnotifiedAccount.closed_on).is_(None))
    ):
        if row.url in known:
            _close(session, row, outcome=REGISTERED, on=today, actor=actor, account=known[row.url])
            closed.append(row.id or 0)
    return closed


def _close(
    session: Session,
    row: UnnotifiedAccount,
    *,
    outcome: str,
    on: date,
    actor: str,
    reason: str | None = None,
    account: int | None = None,
) -> None:
    row.closed_on, row.outcome, row.reason, row.account_id = on, outcome, reason, account
    session.add(row)
    append(
        session,
        action=CLOSED,
        entity=f"unnotified:{row.id}",
        actor=actor,
        clause=UNNOTIFIED_ACCOUNTS,
        before={"url": row.url, "first_seen_on": row.first_seen_on.isoformat()},
        after={"outcome": outcome, "closed_on": on.isoformat(), "reason": reason},
        account_id=account,
        organ_id=row.organ_id,
    )


def record_page(
    *,
    session: Session,
    organ_id: int,
    page: str,
    links: list[SocialLink],
    today: date,
    actor: str,
    known: dict[str, int],
) -> tuple[list[str], list[int]]:
    """Open a finding for each unknown account linked, or mark it seen again; return both."""
    unknown = unnotified(links, set(known))
    opened = []
    for link in unknown:
        row = session.exec(
            select(UnnotifiedAccount).where(UnnotifiedAccount.url == link.url)
        ).first()
        if row is not None:
            if row.closed_on is None:
                row.last_seen_on = max(row.last_seen_on, today)
                session.add(row)
            continue  # a dismissed address stays dismissed
        row = UnnotifiedAccount(
            url=link.url,
            network=link.network,
            organ_id=organ_id,
            page=page,
            href=link.href,
            first_seen_on=today,
            last_seen_on=today,
        )
        session.add(row)
        session.flush()
        append(
            session,
            action=OPENED,
            entity=f"unnotified:{row.id}",
            actor=actor,
            clause=UNNOTIFIED_ACCOUNTS,
            after={"url": link.url, "page": page, "first_seen_on": today.isoformat()},
            organ_id=organ_id,
        )
        opened.append(row.id or 0)
    return [link.url for link in unknown], opened


def scan_pages(
    *, session: Session, fetcher: Fetcher, today: date, actor: str, organ_id: int | None = None
) -> ScanReport:
    """Read every organ's page (or one organ's) and record the accounts srok does not know."""
    query = select(Organ).where(col(Organ.site_page).is_not(None)).order_by(col(Organ.id))
    if organ_id is not None:
        get_organ(session, organ_id, field="--organ")
        query = query.where(Organ.id == organ_id)
    known = _known(session)
    report = ScanReport(checked_on=today.isoformat())
    report.closed = close_registered(session=session, today=today, actor=actor, known=known)
    for organ in session.exec(query).all():
        page = organ.site_page or ""
        look = PageLook(organ_id=organ.id or 0, organ=organ.name, page=page)
        report.pages.append(look)
        seen = fetcher.fetch(page)
        if not seen.ok:
            look.problem = seen.error
            continue  # a page that is down opens and closes nothing
        links = social_links(seen.hrefs, base=seen.final_url)
        look.links = len(links)
        look.unknown, opened = record_page(
            session=session,
            organ_id=look.organ_id,
            page=page,
            links=links,
            today=today,
            actor=actor,
            known=known,
        )
        report.opened += opened
    return report


def run_scan(app: Srok, *, actor: str, organ_id: int | None = None) -> ScanReport:
    """Look at the city site with a real fetcher, in one transaction: `srok rules unnotified check`."""
    from citysite.pages import PageFetcher

    fetcher = PageFetcher()
    try:
        with app.transaction() as session:
            return scan_pages(
                session=session, fetcher=fetcher, today=app.today(), actor=actor, organ_id=organ_id
            )
    finally:
        fetcher.close()


def findings(
    *, session: Session, today: date, actor: str, include_closed: bool = False
) -> list[tuple[UnnotifiedAccount, str]]:
    """Return the findings with their organs' names, open first; registered ones close first."""
    close_registered(session=session, today=today, actor=actor)
    query = select(UnnotifiedAccount, Organ.name).join(
        Organ, col(Organ.id) == col(UnnotifiedAccount.organ_id)
    )
    if not include_closed:
        query = query.where(col(UnnotifiedAccount.closed_on).is_(None))
    rows = session.exec(query.order_by(col(UnnotifiedAccount.id))).all()
    return sorted(((row, name) for row, name in rows), key=lambda r: r[0].closed_on is not None)


def dismiss_finding(
    *, session: Session, finding_id: int, reason: str, today: date, actor: str
) -> UnnotifiedAccount:
    """Mark a finding as an account that is not the organ's, with the reason given."""
    why = clean_text("--reason", reason, clause=UNNOTIFIED_ACCOUNTS, required=True) or ""
    row = session.get(UnnotifiedAccount, finding_id)
    if row is None:
        raise NotFound(
            "--id", f"находки {finding_id} нет (srok rules unnotified list)", UNNOTIFIED_ACCOUNTS
        )
    if row.closed_on is not None:
        raise RuleViolation(
            "--id",
            f"находка {finding_id} уже закрыта {row.closed_on.strftime('%d.%m.%Y')} ({row.outcome})",
            UNNOTIFIED_ACCOUNTS,
        )
    _close(session, row, outcome=DISMISSED, on=today, actor=actor, reason=why)
    return row


def finding_view(row: UnnotifiedAccount, organ: str) -> dict[str, Any]:
    """A finding as `srok rules unnotified list --json` prints it."""
    return {
        "id": row.id,
        "url": row.url,
        "network": row.network,
        "organ_id": row.organ_id,
        "organ": organ,
        "page": row.page,
        "first_seen_on": row.first_seen_on.isoformat(),
        "last_seen_on": row.last_seen_on.isoformat(),
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "outcome": row.outcome,
        "reason": row.reason,
    }
