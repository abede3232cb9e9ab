"""The standing rules srok answers from its own records: п. 1.6, 3.1 and 1.2.

The networks answer п. 2.1 and 2.4 (services.rules); the other three are in
srok's tables. Each gives RuleResult objects in the shape `srok rules check
--json` prints, so one stream carries all five rules:

- п. 1.6, per account: is its protection confirmed for the quarter (``ok``),
  when, by when it is due (srok's policy) and whether that has passed;
- п. 3.1, per organ's page on the city site: no account (``account_id`` null),
  the organ, network and address of each account the page links to that srok
  was never told of (``ok`` false), or one ``ok`` true line for a page with
  none, or "not checked" with the reason when the page could not be read;
- п. 1.2, per required account: ``account_id`` null until the organ creates
  it (``ok`` false while missing, ``overdue`` once the resolution's date has
  passed), then the account that fulfils it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from domain.calendar import WorkingCalendar
from domain.clauses import PROTECTION, REQUIRED_ACCOUNT
from domain.deadlines import Deadline
from domain.description import ACCOUNT_DESCRIPTION
from domain.posting import IsoWeek
from domain.quarter import Quarter
from domain.standing import protection_deadline
from domain.unnotified import UNNOTIFIED_ACCOUNTS
from models.tables import Account, Organ, ProtectionConfirmation
from services.app import Srok
from services.network_clients import NetworkClients
from services.protection import protection_days
from services.required import list_required
from services.rule_evidence import run_standing_rules
from services.rules import RuleResult, accounts_to_check
from services.unnotified import ScanReport, findings, run_scan

NO_PAGE = "страница органа на сайте города не записана в srok (п. 1.4): ссылки не прочитаны"


def protection_results(
    *,
    session: Session,
    calendar: WorkingCalendar,
    quarter: Quarter,
    today: date,
    working_days: int,
    account_ids: Iterable[int],
) -> dict[int, RuleResult]:
    """Say for each account whether its protection is confirmed for ``quarter`` (п. 1.6)."""
    wanted = list(account_ids)
    found: dict[int, tuple[int, str, date]] = {}
    for i in range(0, len(wanted), 500):  # parameters stay under every driver's limit
        for acc_id, organ_id, network, created_on in session.execute(
            sa.select(
                col(Account.id),
                col(Account.organ_id),
                col(Account.network),
                col(Account.created_on),
            ).where(col(Account.id).in_(wanted[i : i + 500]))
        ):
            found[acc_id] = (organ_id, network, created_on)
    confirmed = dict(
        session.execute(
            sa.select(
                col(ProtectionConfirmation.account_id), col(ProtectionConfirmation.confirmed_on)
            ).where(col(ProtectionConfirmation.quarter) == str(quarter))
        ).all()
    )
    terms: dict[date, Deadline] = {}
    results = {}
    for acc_id in wanted:
        organ_id, network, created_on = found[acc_id]
        figures: dict[str, object] = {"quarter": str(quarter), "confirmed_on": None}
        if created_on > quarter.last_day:
            results[acc_id] = RuleResult(
                acc_id,
                PROTECTION.number,
                False,
                None,
                f"аккаунт создан после {quarter.russian()}: за этот квартал подтверждать нечего",
                figures,
                organ_id=organ_id,
                network=network,
            )
            continue
        since = max(quarter.first_day, created_on)
        if since not in terms:
            terms[since] = protection_deadline(
                calendar, quarter=quarter, working_days=working_days, created_on=created_on
            )
        on = confirmed.get(acc_id)
        due = terms[since].due
        figures.update(
            confirmed_on=on.isoformat() if on else None,
            due=due.isoformat(),
            overdue=on is None and due < today,
        )
        results[acc_id] = RuleResult(
            acc_id,
            PROTECTION.number,
            True,
            on is not None,
            figures=figures,
            organ_id=organ_id,
            network=network,
        )
    return results


def unnotified_results(
    *, session: Session, scan: ScanReport, today: date, actor: str
) -> list[RuleResult]:
    """Turn a look at the organs' pages into п. 3.1 lines: one per unknown account, or per page."""
    open_rows = findings(session=session, today=today, actor=actor)
    by_organ: dict[int, list[RuleResult]] = {}
    for row, _organ in open_rows:
        by_organ.setdefault(row.organ_id, []).append(
            RuleResult(
                None,
                UNNOTIFIED_ACCOUNTS,
                True,
                False,
                figures={
                    "organ_id": row.organ_id,
                    "network": row.network,
                    "url": row.url,
                    "page": row.page,
                    "first_seen_on": row.first_seen_on.isoformat(),
                    "finding_id": row.id,
                },
                organ_id=row.organ_id,
                network=row.network,
            )
        )
    results: list[RuleResult] = []
    looked = set()
    for look in scan.pages:
        looked.add(look.organ_id)
        place = {"organ_id": look.organ_id, "network": None, "url": None, "page": look.page}
        if look.problem:
            results.append(
                RuleResult(
                    None,
                    UNNOTIFIED_ACCOUNTS,
                    False,
                    None,
                    f"страница органа не прочитана: {look.problem}",
                    place,
                    organ_id=look.organ_id,
                )
            )
        results.extend(by_organ.get(look.organ_id, []))
        if not look.problem and look.organ_id not in by_organ:
            results.append(
                RuleResult(
                    None, UNNOTIFIED_ACCOUNTS, True, True, figures=place, organ_id=look.organ_id
                )
            )
    for organ_id, page_less in session.execute(
        sa.select(col(Organ.id), col(Organ.site_page)).order_by(col(Organ.id))
    ):
        if organ_id in looked:
            continue
        results.extend(by_organ.get(organ_id, []))  # seen on a page the organ no longer has
        if page_less is None:
            place = {"organ_id": organ_id, "network": None, "url": None, "page": None}
            results.append(
                RuleResult(
                    None, UNNOTIFIED_ACCOUNTS, False, None, NO_PAGE, place, organ_id=organ_id
                )
            )
    return results


def required_results(
    *, session: Session, today: date, account_id: int | None = None
) -> list[RuleResult]:
    """Say for each required account (п. 1.2) whether it exists; with ``account_id``, its own."""
    results = []
    for row in list_required(session):
        if account_id is not None and row.account_id != account_id:
            continue
        url = _url(session, row.account_id) if row.account_id is not None else None
        results.append(
            RuleResult(
                row.account_id,
                REQUIRED_ACCOUNT.number,
                True,
                not row.missing,
                figures={
                    "organ_id": row.organ_id,
                    "network": row.network,
                    "url": url,
                    "required_id": row.id,
                    "resolution": row.resolution,
                    "resolution_date": row.resolution_date.isoformat(),
                    "due": row.due.isoformat(),
                    "overdue": row.overdue(today),
                },
                organ_id=row.organ_id,
                network=row.network,
            )
        )
    return results


def _url(session: Session, account_id: int) -> str | None:
    account = session.get(Account, account_id)
    return account.url if account else None


def run_all_rules(
    *,
    app: Srok,
    clients: NetworkClients,
    week: IsoWeek,
    today: date,
    actor: str,
    account_id: int | None = None,
) -> Iterator[RuleResult]:
    """All five rules, as `srok rules check` prints them: per account 2.1, 2.4, 1.6; then 3.1, 1.2.

    Bad input is refused before the first result (services.rule_evidence).
    п. 1.6 is asked for the quarter the week ends in, so a re-run for the same
    week answers the same. With ``account_id`` only that account's lines come
    (its п. 1.2 line, if it fulfils a requirement); without, the organs' pages
    on the city site are read for п. 3.1 (one transaction, as `srok rules
    unnotified check`), and every required account is listed.
    """
    network_results = run_standing_rules(
        app=app, clients=clients, week=week, today=today, account_id=account_id
    )
    with app.transaction() as session:
        ids = [t.id for t in accounts_to_check(session=session, account_id=account_id)]
        protection = protection_results(
            session=session,
            calendar=app.calendar,
            quarter=Quarter.of(week.sunday),
            today=today,
            working_days=protection_days(),
            account_ids=ids,
        )
    return _all(app, network_results, protection, today=today, actor=actor, account_id=account_id)


def _all(
    app: Srok,
    network_results: Iterator[RuleResult],
    protection: dict[int, RuleResult],
    *,
    today: date,
    actor: str,
    account_id: int | None,
) -> Iterator[RuleResult]:
    for result in network_results:
        yield result
        if result.rule == ACCOUNT_DESCRIPTION and result.account_id in protection:
            yield protection[result.account_id]
    if account_id is None:
        scan = run_scan(app, actor=actor)
        with app.transaction() as session:
            yield from unnotified_results(session=session, scan=scan, today=today, actor=actor)
    with app.transaction() as session:
        yield from required_results(session=session, today=today, account_id=account_id)
