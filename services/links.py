"""Check the city site for links to accounts whose п. 1.4 step is open, and record the evidence.

Each organ's page is fetched once. For every open п. 1.4 step of its accounts,
one LinkCheck row says what was seen; a step whose link is found closes on the
day of the check, with the page, time, HTTP status and the link as evidence. A
page that is down leaves the steps open (the reminders go on) and says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from citysite.pages import Page
from domain.errors import RuleViolation
from domain.links import find_link
from domain.web_address import parse_web_address
from models.tables import Account, Cycle, LinkCheck, Organ, Step, utcnow
from services.accounts import get_organ
from services.app import Srok
from services.settings import CITY_ZONE
from services.steps import close_step, record_event


class Fetcher(Protocol):
    def fetch(self, url: str) -> Page: ...


@dataclass
class OrganResult:
    organ_id: int
    organ: str
    page: str | None
    status: int | None
    open_steps: int
    found: list[int] = field(default_factory=list)  # account ids whose link was found
    missing: list[int] = field(default_factory=list)
    problem: str | None = None


@dataclass
class LinkReport:
    checked_on: str
    organs: list[OrganResult] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return sum(len(o.found) for o in self.organs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_on": self.checked_on,
            "closed": self.closed,
            "organs": [asdict(o) for o in self.organs],
        }


def set_site_page(*, session: Session, organ_id: int, page: str, actor: str, today: date) -> Organ:
    """Set the organ's page on the city site, where its links must be (п. 1.4)."""
    organ = get_organ(session, organ_id, field="ID")
    parse_web_address("--page", page, clause="1.4")
    organ.site_page = page.strip()
    session.add(organ)
    record_event(
        session,
        kind="site_page_set",
        occurred_on=today,
        actor=actor,
        organ_id=organ_id,
        page=organ.site_page,
    )
    return organ


def _open_link_steps(
    session: Session, organ_id: int | None
) -> dict[int, list[tuple[Step, Account]]]:
    query = (
        select(Step, Account)
        .join(Account, col(Account.id) == col(Step.account_id))
        .join(Cycle, col(Cycle.id) == col(Step.cycle_id))
        .where(Step.clause == "1.4", col(Step.done_on).is_(None), col(Account.active))
        .order_by(col(Account.id), col(Step.id))
    )
    if organ_id is not None:
        query = query.where(Account.organ_id == organ_id)
    grouped: dict[int, list[tuple[Step, Account]]] = {}
    for step, account in session.exec(query):
        grouped.setdefault(account.organ_id, []).append((step, account))
    return grouped


def check_links(
    *,
    session: Session,
    fetcher: Fetcher,
    actor: str,
    organ_id: int | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> LinkReport:
    """Look for each open п. 1.4 step's link on its organ's page; close the steps found.

    Steps close on ``today``, the city's day as the application knows it (so that
    SROK_TODAY holds); the evidence keeps the real moment of the look.
    """
    if organ_id is not None:
        get_organ(session, organ_id)
    moment = now or utcnow()
    today = today or moment.astimezone(CITY_ZONE).date()
    report = LinkReport(checked_on=today.isoformat())
    for oid, steps in sorted(_open_link_steps(session, organ_id).items()):
        organ = get_organ(session, oid)
        result = OrganResult(
            organ_id=oid, organ=organ.name, page=organ.site_page, status=None, open_steps=len(steps)
        )
        report.organs.append(result)
        if not organ.site_page:
            result.problem = "страница органа на сайте города не указана (srok organ set-site)"
            result.missing = [a.id or 0 for _, a in steps]
            continue
        page = fetcher.fetch(organ.site_page)
        result.status = page.status
        result.problem = page.error
        for step, account in steps:
            link = find_link(account.url, page.hrefs, base=page.final_url) if page.ok else None
            stamp = moment.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")
            if link:
                detail = (
                    f"ссылка найдена на {page.final_url} {stamp} (Asia/Barnaul), "
                    f"HTTP {page.status}: {link}"
                )
                close_step(session, step, on=today, evidence=detail)
                session.add(step)
                result.found.append(account.id or 0)
            else:
                detail = page.error or f"на {page.final_url} нет ссылки на {account.url}"
                result.missing.append(account.id or 0)
            session.add(
                LinkCheck(
                    account_id=account.id or 0,
                    step_id=step.id,
                    page=organ.site_page,
                    checked_at=moment,
                    http_status=page.status,
                    found=bool(link),
                    link=link,
                    detail=detail,
                )
            )
    record_event(
        session,
        kind="links_checked",
        occurred_on=today,
        actor=actor,
        closed=report.closed,
        organs=len(report.organs),
    )
    return report


def run_link_check(app: Srok, *, actor: str, organ_id: int | None = None) -> LinkReport:
    """Check the site with a real fetcher in one transaction: what `srok link check` and the flow run."""
    from citysite.pages import PageFetcher

    fetcher = PageFetcher()
    try:
        with app.transaction() as session:
            return check_links(
                session=session,
                fetcher=fetcher,
                actor=actor,
                organ_id=organ_id,
                today=app.today(),
            )
    finally:
        fetcher.close()


@dataclass
class LinkVerdict:
    """What a specialist's report of a link came to: found (the step closed) or why not."""

    account_id: int
    page: str
    found: bool
    detail: str
    closed_steps: list[int] = field(default_factory=list)


def report_link(
    *,
    session: Session,
    fetcher: Fetcher,
    account_id: int,
    page: str,
    actor: str,
    now: datetime | None = None,
    today: date | None = None,
) -> LinkVerdict:
    """Check at once the page where an organ says it put the link (п. 1.4).

    ``today`` is the city's day the step closes on (the application's, so that
    SROK_TODAY holds); the evidence keeps the real moment of the look.

    Found: every open п. 1.4 step of the account closes that day with the
    evidence. Not found, or the page is down: the steps stay open, the
    reminders go on, and the verdict says why. Either way the look is kept.
    """
    from services.accounts import get_account

    account = get_account(session, account_id)
    page = page.strip()
    if not page.startswith(("http://", "https://")):
        raise RuleViolation("--page", f"«{page}» — не адрес страницы http(s)", "1.4")
    _on_the_city_site(page, get_organ(session, account.organ_id).site_page)
    steps = [
        s
        for s, a in _open_link_steps(session, account.organ_id).get(account.organ_id, [])
        if a.id == account_id
    ]
    if not steps:
        raise RuleViolation(
            "--account", f"у аккаунта {account_id} нет открытого шага «ссылка на сайте»", "1.4"
        )
    moment = now or utcnow()
    today = today or moment.astimezone(CITY_ZONE).date()
    seen = fetcher.fetch(page)
    link = find_link(account.url, seen.hrefs, base=seen.final_url) if seen.ok else None
    stamp = moment.astimezone(CITY_ZONE).strftime("%d.%m.%Y %H:%M")
    if link:
        detail = (
            f"ссылка найдена на {seen.final_url} {stamp} (Asia/Barnaul), HTTP {seen.status}: {link}"
        )
    else:
        detail = seen.error or f"на {seen.final_url} нет ссылки на {account.url}"
    verdict = LinkVerdict(account_id=account_id, page=page, found=bool(link), detail=detail)
    for step in steps:
        if link:
            close_step(session, step, on=today, evidence=detail)
            session.add(step)
            verdict.closed_steps.append(step.id or 0)
        session.add(
            LinkCheck(
                account_id=account_id,
                step_id=step.id,
                page=page,
                checked_at=moment,
                http_status=seen.status,
                found=bool(link),
                link=link,
                detail=detail,
            )
        )
    record_event(
        session,
        kind="link_reported",
        occurred_on=today,
        actor=actor,
        account_id=account_id,
        page=page,
        found=bool(link),
        step_ids=verdict.closed_steps,
    )
    return verdict


def recent_checks(session: Session, *, limit: int = 200) -> list[LinkCheck]:
    """Return the latest looks at the city site, newest first."""
    return list(
        session.exec(select(LinkCheck).order_by(col(LinkCheck.checked_at).desc()).limit(limit))
    )


def _on_the_city_site(page: str, site_page: str | None) -> None:
    """Refuse a page off the organ's site: п. 1.4 wants the link there, and srok fetches it.

    Whoever reports a page (a specialist, or anyone holding a reminder's link)
    would otherwise make the server fetch any address it can reach: the Prefect
    API, which has no login, or a page they wrote themselves to close the step.
    """
    if site_page is None:
        raise RuleViolation(
            "--page",
            "страница органа на сайте города ещё не внесена в srok: "
            "её вносит отдел ИТ (страница «Органы»), после этого ссылку можно проверить",
            "1.4",
        )
    expected = _origin(site_page)
    if _origin(page) != expected:
        raise RuleViolation(
            "--page",
            f"«{page}» — не страница сайта города: ссылка размещается на странице органа "
            f"на сайте города ({site_page}), адрес должен быть на {expected}",
            "1.4",
        )


def _origin(address: str) -> str:
    """The host (and a port, if one is written): http and https of the site are the same site."""
    parts = urlsplit(address.strip())
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number names no site
        port = ":?"
    return f"{(parts.hostname or '').lower()}{port}"


def site_page_of(session: Session, account_id: int) -> str | None:
    """Return the page of the account's organ on the city site, if srok knows it."""
    from services.accounts import get_account

    return get_organ(session, get_account(session, account_id).organ_id).site_page


def checks_of(session: Session, account_id: int, *, limit: int = 20) -> list[LinkCheck]:
    """Return the latest looks for the account's link, newest first."""
    return list(
        session.exec(
            select(LinkCheck)
            .where(LinkCheck.account_id == account_id)
            .order_by(col(LinkCheck.checked_at).desc())
            .limit(limit)
        )
    )


def page_fetcher() -> Fetcher:
    """The real fetcher of the city site's pages (httpx)."""
    from citysite.pages import PageFetcher

    return PageFetcher()
