"""One click from a reminder: the GET shows, the POST acts once; forged and expired links fail."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from sqlmodel import func, select

from models.tables import AuditEntry, Step
from services.delivery import WebLinks, deliver
from services.reminders import plan_reminders
from tests.fakes import RecordingNotifier
from tests.web.conftest import SECRET, City, csrf_of, register_site_page


def _letters(city: City) -> dict[str, str]:
    """Sweep 30.11.2026 (3.1 and 1.4 overdue) and return each step's one-click path by clause."""
    with city.srok.transaction() as s:
        plan_reminders(
            session=s,
            calendar=city.srok.calendar,
            as_of=date(2026, 11, 30),
            it_mailbox="it@x.invalid",
        )
    notifier = RecordingNotifier()
    deliver(
        engine=city.srok.engine,
        notifier=notifier,
        sender="srok@example.invalid",
        links=WebLinks("http://testserver", SECRET, city.srok.calendar),
    )
    found = {}
    for message in notifier.sent:
        clause = re.search(r"\(п\. (\d\.\d)\)$", message.subject)
        url = re.search(r"http://testserver(/act/[A-Za-z0-9_\-.]+)", message.text)
        assert "srok notice" not in message.text and "srok link" not in message.text
        if clause and url and message.to == ("test1@example.invalid",):
            found[clause.group(1)] = url.group(1)
    return found


def _audit_count(city: City) -> int:
    with city.srok.transaction() as s:
        return s.exec(select(func.count()).select_from(AuditEntry)).one()


def _step(city: City, clause: str) -> Step:
    with city.srok.transaction() as s:
        return s.exec(
            select(Step).where(Step.account_id == city.account, Step.clause == clause)
        ).one()


def test_the_link_in_the_reminder_shows_a_prefilled_page_and_the_get_changes_nothing(
    city: City, as_role
) -> None:
    path = _letters(city)["3.1"]
    before = _audit_count(city)

    page = as_role().get(path)
    page_again = as_role().get(path)  # a mail scanner fetching it too

    assert page.status_code == page_again.status_code == 200
    assert "https://vk.com/kultura_test" in page.text
    assert "Подтверждаю: уведомление направлено" in page.text
    assert _audit_count(city) == before
    assert _step(city, "3.1").done_on is None


def test_the_confirmation_records_the_notice_once_with_the_specialist_as_actor(
    city: City, as_role
) -> None:
    path = _letters(city)["3.1"]
    client = as_role()
    page = client.get(path).text

    done = client.post(path, data={"csrf": csrf_of(page)})
    again = client.post(path, data={"csrf": csrf_of(page)})

    assert done.status_code == 200 and "направлено и получено" in done.text
    assert again.status_code == 410 and "уже использована" in again.text
    assert _step(city, "3.1").done_on == date(2026, 12, 1)
    with city.srok.transaction() as s:
        actors = {
            e.actor for e in s.exec(select(AuditEntry).where(AuditEntry.account_id == city.account))
        }
    assert "специалист № 1 по ссылке из напоминания" in actors


def test_a_forged_link_is_refused(city: City, as_role) -> None:
    path = _letters(city)["3.1"]
    body, _, mac = path.removeprefix("/act/").partition(".")
    other_step = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]

    forged = as_role().get(f"/act/{other_step}.{mac}")
    foreign = as_role().get("/act/" + path.removeprefix("/act/").replace(mac, mac[::-1]))

    assert forged.status_code == foreign.status_code == 410
    assert _step(city, "3.1").done_on is None


def test_an_expired_link_is_refused(city: City, as_role) -> None:
    path = _letters(city)["3.1"]  # sent 30.11.2026: good for 10 working days, to 14.12.2026
    city.srok.settings = dataclasses.replace(city.srok.settings, today_override=date(2026, 12, 15))
    client = as_role()

    page = client.get(path)
    post = client.post(path, data={"csrf": csrf_of(client.get("/login").text)})

    assert page.status_code == post.status_code == 410
    assert "истёк 14.12.2026" in page.text
    assert _step(city, "3.1").done_on is None


def test_the_link_action_checks_the_page_and_closes_the_step_only_when_found(
    city: City, as_role, city_site
) -> None:
    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
    path = _letters(city)["1.4"]
    client = as_role()
    csrf = csrf_of(client.get(path).text)

    missing = client.post(path, data={"csrf": csrf, "page": city_site.url("/empty")})
    found = client.post(path, data={"csrf": csrf, "page": city_site.url("/kultura-ok")})

    assert missing.status_code == 422 and "Ссылка не найдена" in missing.text
    assert found.status_code == 200 and "Ссылка найдена" in found.text
    step = _step(city, "1.4")
    assert step.done_on == date(2026, 12, 1)
    assert "kultura-ok" in (step.evidence or "")


def test_two_confirmations_racing_record_once_and_the_loser_is_told_not_a_500(
    city: City, as_role, city_site
) -> None:
    """The button pressed on two devices: the second confirmation lands while the first looks."""
    from fastapi.testclient import TestClient

    from citysite.pages import PageFetcher
    from models.tables import LinkCheck
    from web.app import create_app

    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
    path = _letters(city)["1.4"]
    second: list[int] = []
    other = as_role()
    other_csrf = csrf_of(other.get(path).text)

    class RacingFetcher(PageFetcher):
        def fetch(self, url: str):  # type: ignore[no-untyped-def]
            if not second:  # the other device confirms while this one is looking at the page
                second.append(0)
                second[0] = other.post(path, data={"csrf": other_csrf, "page": url}).status_code
            return super().fetch(url)

    city.ctx.fetcher_factory = lambda: RacingFetcher(timeout=2)
    first = TestClient(create_app(city.ctx), raise_server_exceptions=False)
    csrf = csrf_of(first.get(path).text)

    answer = first.post(path, data={"csrf": csrf, "page": city_site.url("/kultura-ok")})

    assert second == [200]
    assert answer.status_code == 410 and "уже" in answer.text
    assert _step(city, "1.4").done_on == date(2026, 12, 1)
    with city.srok.transaction() as s:
        assert len(s.exec(select(LinkCheck)).all()) == 1
