"""П. 3.1 against a local city site: accounts nobody notified open, stay, and close with audit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from citysite.pages import PageFetcher
from domain.errors import RuleViolation
from services.app import Srok
from services.audit import AUDIT
from services.links import set_site_page
from services.settings import Settings
from services.unnotified import (
    CLOSED,
    OPENED,
    ScanReport,
    dismiss_finding,
    findings,
    scan_pages,
)
from tests.conftest import TODAY, copy_database
from tests.services.helpers import ACTOR, account, organ
from tests.site_server import Site

PAGE = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"></head><body>
<a href="https://m.vk.com/Kultura_NVL/">ВКонтакте</a>
<a href="https://t.me/s/kultura_fans">Болельщики</a>
<a href="https://ok.ru/kultura_nvl_ok">Одноклассники</a>
<a href="https://vk.com/share.php?url=x">Поделиться</a>
</body></html>"""


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Iterator[Srok]:
    copy_database(sqlite_template, tmp_path)
    application = Srok(
        dataclasses.replace(Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY),
        actor=ACTOR,
    )
    yield application
    application.close()


@pytest.fixture
def organ_id(app: Srok, city_site: Site) -> int:
    city_site.pages["/kultura-social"] = PAGE
    with app.transaction() as session:
        made = organ(session)
        set_site_page(
            session=session,
            organ_id=made.id or 0,
            page=city_site.url("/kultura-social"),
            actor=ACTOR,
            today=TODAY,
        )
        account(session, app.calendar, made.id or 0, url="https://vk.com/kultura_nvl")
        return made.id or 0


def scan(app: Srok, day: date = TODAY) -> ScanReport:
    fetcher = PageFetcher(timeout=2)
    try:
        with app.transaction() as session:
            return scan_pages(session=session, fetcher=fetcher, today=day, actor=ACTOR)
    finally:
        fetcher.close()


def audited(app: Srok) -> list[tuple[str, str | None]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(AUDIT.c.action, AUDIT.c.clause)
            .where(AUDIT.c.action.in_([OPENED, CLOSED]))
            .order_by(AUDIT.c.id)
        )
        return [(r.action, r.clause) for r in rows]


def open_urls(app: Srok, *, include_closed: bool = False) -> dict[str, tuple[str | None, str]]:
    with app.transaction() as session:
        rows = findings(session=session, today=TODAY, actor=ACTOR, include_closed=include_closed)
        return {row.url: (row.outcome, row.first_seen_on.isoformat()) for row, _ in rows}


def test_links_to_accounts_srok_does_not_know_open_findings_with_the_page_and_date(
    app: Srok, organ_id: int, city_site: Site
) -> None:
    report = scan(app)

    (look,) = report.pages
    assert (look.organ_id, look.links, look.problem) == (organ_id, 3, None)
    assert look.unknown == ["https://t.me/kultura_fans", "https://ok.ru/kultura_nvl_ok"]
    with app.transaction() as session:
        rows = findings(session=session, today=TODAY, actor=ACTOR)
        assert [(r.page, r.first_seen_on, r.organ_id) for r, _ in rows] == [
            (city_site.url("/kultura-social"), TODAY, organ_id)
        ] * 2
    assert audited(app) == [(OPENED, "3.1"), (OPENED, "3.1")]


def test_a_second_look_opens_nothing_twice_and_keeps_the_first_day(
    app: Srok, organ_id: int
) -> None:
    scan(app)
    later = TODAY + timedelta(days=7)

    again = scan(app, later)

    assert again.opened == []
    with app.transaction() as session:
        rows = findings(session=session, today=later, actor=ACTOR)
        assert {(r.first_seen_on, r.last_seen_on) for r, _ in rows} == {(TODAY, later)}
    assert len(audited(app)) == 2


def test_registering_the_account_closes_its_finding_on_the_next_look(
    app: Srok, organ_id: int
) -> None:
    scan(app)
    with app.transaction() as session:
        account(session, app.calendar, organ_id, network=None, url="https://t.me/Kultura_Fans")

    report = scan(app)

    assert len(report.closed) == 1
    assert open_urls(app) == {"https://ok.ru/kultura_nvl_ok": (None, TODAY.isoformat())}
    assert open_urls(app, include_closed=True)["https://t.me/kultura_fans"][0] == "registered"
    assert audited(app)[-1] == (CLOSED, "3.1")


def test_an_account_marked_as_not_the_organs_closes_and_is_not_reopened(
    app: Srok, organ_id: int
) -> None:
    scan(app)
    with app.transaction() as session:
        (row, _), _ = findings(session=session, today=TODAY, actor=ACTOR)
        dismiss_finding(
            session=session,
            finding_id=row.id or 0,
            reason="Сообщество болельщиков, не комитета",
            today=TODAY,
            actor=ACTOR,
        )

    scan(app, TODAY + timedelta(days=7))

    assert list(open_urls(app)) == ["https://ok.ru/kultura_nvl_ok"]
    assert audited(app)[-1] == (CLOSED, "3.1")


@pytest.mark.parametrize(
    ("finding_id", "reason", "field"),
    [(1, "  ", "--reason"), (99, "не наш", "--id"), (1, "строка\x00", "--reason")],
)
def test_a_dismissal_without_a_reason_or_of_nothing_is_refused_naming_the_field(
    app: Srok, organ_id: int, finding_id: int, reason: str, field: str
) -> None:
    scan(app)

    with pytest.raises(RuleViolation) as refused, app.transaction() as session:
        dismiss_finding(
            session=session, finding_id=finding_id, reason=reason, today=TODAY, actor=ACTOR
        )

    assert (refused.value.field, refused.value.clause) == (field, "3.1")
    assert len(open_urls(app)) == 2


def test_a_finding_already_closed_cannot_be_dismissed_again(app: Srok, organ_id: int) -> None:
    scan(app)
    with app.transaction() as session:
        dismiss_finding(session=session, finding_id=1, reason="не наш", today=TODAY, actor=ACTOR)

    with pytest.raises(RuleViolation, match=r"уже закрыта 01\.12\.2026"), app.transaction() as s:
        dismiss_finding(session=s, finding_id=1, reason="не наш", today=TODAY, actor=ACTOR)


def test_a_page_that_is_down_opens_and_closes_nothing(
    app: Srok, organ_id: int, city_site: Site
) -> None:
    scan(app)
    with app.transaction() as session:
        set_site_page(
            session=session,
            organ_id=organ_id,
            page=city_site.url("/broken"),
            actor=ACTOR,
            today=TODAY,
        )

    report = scan(app)

    assert report.pages[0].problem == "сервер ответил 500"
    assert len(open_urls(app)) == 2 and report.opened == report.closed == []
