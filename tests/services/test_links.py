"""The п. 1.4 check against a local city site: found links close steps with evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from citysite.pages import PageFetcher
from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from models.tables import LinkCheck, Step
from services.links import check_links, set_site_page
from tests.services.helpers import ACTOR, TODAY, account, organ
from tests.site_server import Site

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 09:00 in Barnaul


def _accounts(session: Session, calendar: WorkingCalendar, page: str) -> list[int]:
    o = organ(session)
    set_site_page(session=session, organ_id=o.id or 0, page=page, actor=ACTOR, today=TODAY)
    ids = [
        account(
            session, calendar, o.id or 0, url=url, network=net, created_on=date(2026, 11, 20)
        ).id
        or 0
        for net, url in (
            ("vk", "https://vk.com/kultura_nvl"),
            ("telegram", "https://t.me/kultura_nvl"),
            ("rutube", "https://rutube.ru/channel/kultura_nvl"),
        )
    ]
    session.commit()
    return ids


def _open_link_steps(session: Session) -> list[int]:
    session.expire_all()
    return [
        s.account_id
        for s in session.exec(select(Step).where(Step.clause == "1.4", col(Step.done_on).is_(None)))
    ]


def test_links_found_on_the_page_close_their_steps_with_evidence(
    session: Session,
    calendar: WorkingCalendar,
    city_site: Site,
) -> None:
    vk, tg, rutube = _accounts(session, calendar, city_site.url("/old-kultura"))
    fetcher = PageFetcher(timeout=2)

    report = check_links(session=session, fetcher=fetcher, actor=ACTOR, now=NOW)
    session.commit()
    fetcher.close()

    (organ_result,) = report.organs
    assert organ_result.found == [vk, tg] and organ_result.missing == [rutube]
    assert _open_link_steps(session) == [rutube]
    step = session.exec(select(Step).where(Step.account_id == vk, Step.clause == "1.4")).one()
    assert step.done_on == date(2026, 11, 24)
    assert step.evidence and city_site.url("/kultura/") in step.evidence
    assert "HTTP 200" in step.evidence and "https://m.vk.com/kultura_nvl/" in step.evidence
    checks = session.exec(select(LinkCheck).order_by(LinkCheck.id)).all()
    assert [(c.account_id, c.found) for c in checks] == [(vk, True), (tg, True), (rutube, False)]
    assert "нет ссылки" in checks[2].detail


@pytest.mark.parametrize(
    ("path", "why"), [("/broken", "500"), ("/missing", "404"), ("/slow", "вовремя")]
)
def test_a_page_that_is_down_leaves_the_steps_open_and_says_why(
    session: Session,
    calendar: WorkingCalendar,
    city_site: Site,
    path: str,
    why: str,
) -> None:
    ids = _accounts(session, calendar, city_site.url(path))
    fetcher = PageFetcher(timeout=1)

    report = check_links(session=session, fetcher=fetcher, actor=ACTOR, now=NOW)
    session.commit()
    fetcher.close()

    assert report.closed == 0 and why in (report.organs[0].problem or "")
    assert sorted(_open_link_steps(session)) == sorted(ids)
    assert all(why in c.detail for c in session.exec(select(LinkCheck)))


def test_an_organ_without_a_page_is_reported(session: Session, calendar: WorkingCalendar) -> None:
    o = organ(session)
    account(session, calendar, o.id or 0, created_on=date(2026, 11, 20))
    fetcher = PageFetcher(timeout=1)

    report = check_links(session=session, fetcher=fetcher, actor=ACTOR, now=NOW)
    fetcher.close()

    assert "не указана" in (report.organs[0].problem or "")


def test_a_site_page_must_be_an_address(session: Session) -> None:
    o = organ(session)

    with pytest.raises(RuleViolation) as error:
        set_site_page(
            session=session, organ_id=o.id or 0, page="novoaltaysk.ru", actor=ACTOR, today=TODAY
        )

    assert (error.value.field, error.value.clause) == ("--page", "1.4")


class _Recording:
    """A fetcher that notes every address srok asked for and serves a page linking everything."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fetch(self, url: str):  # type: ignore[no-untyped-def]
        from citysite.pages import Page

        self.asked.append(url)
        return Page(
            url=url, final_url=url, status=200, hrefs=("https://vk.com/kultura_nvl",), error=None
        )


@pytest.mark.parametrize(
    "page",
    [
        "http://127.0.0.1:4200/api/health",  # the Prefect API, which has no login of its own
        "http://169.254.169.254/latest/meta-data/",
        "https://my-own-blog.example/kultura",  # a page the organ controls, not the city site
    ],
)
def test_a_reported_page_off_the_city_site_is_refused_before_anything_is_fetched(
    session: Session, calendar: WorkingCalendar, page: str
) -> None:
    from services.links import report_link

    vk, _tg, _rutube = _accounts(session, calendar, "https://novoaltaysk.ru/kultura")
    fetcher = _Recording()

    with pytest.raises(RuleViolation) as refused:
        report_link(session=session, fetcher=fetcher, account_id=vk, page=page, actor=ACTOR)

    assert fetcher.asked == []
    assert refused.value.clause == "1.4"
    assert "novoaltaysk.ru" in str(refused.value)
    assert vk in _open_link_steps(session)


def test_a_page_elsewhere_on_the_city_site_is_checked(
    session: Session, calendar: WorkingCalendar
) -> None:
    from services.links import report_link

    vk, _tg, _rutube = _accounts(session, calendar, "https://novoaltaysk.ru/kultura")
    fetcher = _Recording()

    verdict = report_link(
        session=session,
        fetcher=fetcher,
        account_id=vk,
        page="https://NOVOALTAYSK.ru/kultura/socseti",
        actor=ACTOR,
        today=TODAY,
    )

    assert verdict.found and fetcher.asked == ["https://NOVOALTAYSK.ru/kultura/socseti"]


def test_a_page_cannot_be_reported_before_the_organs_city_site_page_is_known(
    session: Session, calendar: WorkingCalendar
) -> None:
    from services.links import report_link

    o = organ(session)
    vk = account(session, calendar, o.id or 0, url="https://vk.com/kultura_nvl").id or 0
    fetcher = _Recording()

    with pytest.raises(RuleViolation) as refused:
        report_link(
            session=session, fetcher=fetcher, account_id=vk, page="https://x.example/", actor=ACTOR
        )

    assert fetcher.asked == [] and refused.value.clause == "1.4"


def test_a_page_with_a_port_that_is_not_a_number_is_refused_in_words(
    session: Session, calendar: WorkingCalendar
) -> None:
    from services.links import report_link

    vk, _tg, _rutube = _accounts(session, calendar, "https://novoaltaysk.ru/kultura")

    with pytest.raises(RuleViolation):
        report_link(
            session=session,
            fetcher=_Recording(),
            account_id=vk,
            page="https://novoaltaysk.ru:abc/",
            actor=ACTOR,
        )
