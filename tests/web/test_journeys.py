"""The three journeys in real Chromium against uvicorn: each page passes axe and fits 390 px.

A specialist files a п. 3.1 notice; the IT department enters it into the Registry;
the specialist reports the link through the link in a reminder; the deputy head
opens the figures.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest
import uvicorn

from services.delivery import WebLinks, deliver
from services.reminders import plan_reminders
from tests.browser_pw import assert_accessible, assert_no_horizontal_scroll
from tests.fakes import RecordingNotifier
from tests.web.conftest import PASSWORD, SECRET, City, register_site_page
from web.app import create_app

pytestmark = [pytest.mark.parametrize("engine", ["sqlite"], indirect=True), pytest.mark.slow]
PHONE = 390


@pytest.fixture
def site(city: City) -> Iterator[str]:
    """The web app on uvicorn, on a free loopback port, for this test."""
    config = uvicorn.Config(create_app(city.ctx), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def check(page, width: int = PHONE) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now: no serious axe finding, at desktop and at phone width."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page, width)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page, site: str, login: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site}/login")
    check(page)
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_a_specialist_files_a_notice_and_the_it_department_enters_it(
    city: City, site: str, page, chromium
) -> None:
    log_in(page, site, "culture")
    page.goto(f"{site}/notices/new")
    check(page)
    page.get_by_label("Социальная сеть").select_option("ok")
    page.get_by_label("Адрес аккаунта").fill("https://ok.ru/group/7001")
    page.get_by_label("Дата создания").fill("2026-11-30")
    person = page.get_by_role("group", name="Специалист 1")
    person.get_by_label("ФИО").fill("Новая Нина Ивановна")
    person.get_by_label("Должность").fill("ведущий специалист")
    person.get_by_label("Телефон").fill("+7 000 000-00-77")
    person.get_by_label("Электронная почта").fill("new@example.invalid")
    page.get_by_role("button", name="Направить уведомление").click()

    page.get_by_text("Уведомление записано").wait_for()
    check(page)
    account_id = int(re.search(r"/accounts/(\d+)", page.url).group(1))  # type: ignore[union-attr]

    it = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}).new_page()
    log_in(it, site, "it")
    it.goto(f"{site}/it/queue")
    check(it)
    it.get_by_role("button", name=f"Внесено в Реестр: аккаунт № {account_id}").click()
    it.get_by_text(f"Аккаунт № {account_id} внесён в Реестр").wait_for()
    check(it)
    for path in ("/it/registry", "/it/publication", "/it/links", "/it/reminders", "/it/organs"):
        it.goto(f"{site}{path}")
        check(it)
    it.context.close()


def test_the_specialist_reports_the_link_through_the_link_in_the_reminder(
    city: City, site: str, page, city_site
) -> None:
    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
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
        links=WebLinks(site, SECRET, city.srok.calendar),
    )
    letter = next(m for m in notifier.sent if m.subject.endswith("(п. 1.4)"))
    url = re.search(r'href="([^"]+/act/[^"]+)"', letter.html).group(1)  # type: ignore[union-attr]

    page.goto(url)
    check(page)
    page.get_by_label("Адрес страницы на сайте города").fill(city_site.url("/kultura-ok"))
    page.get_by_role("button", name="Проверить ссылку").click()

    page.get_by_text("Ссылка найдена").wait_for()
    check(page)


def test_the_deputy_head_opens_the_figures(city: City, site: str, page) -> None:
    log_in(page, site, "head")

    page.get_by_role("heading", name=re.compile("Исполнение Порядка")).wait_for()

    check(page)
    page.goto(f"{site}/registry")
    check(page)
