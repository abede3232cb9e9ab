"""The findings page in real Chromium: axe-core finds nothing serious, it fits 390 px, and the
IT department marks a link as not the organ's and records a required account (п. 1.2)."""

from __future__ import annotations

import pytest

from tests.web.conftest import City
from tests.web.test_findings import seed
from tests.web.test_journeys import check, log_in, site

pytestmark = [pytest.mark.parametrize("engine", ["sqlite"], indirect=True), pytest.mark.slow]
__all__ = ["site"]  # the fixture: uvicorn on loopback


def test_the_it_department_reads_the_findings_and_marks_a_link(city: City, site: str, page) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    log_in(page, site, "it")

    page.goto(f"{site}/findings")
    check(page)
    page.get_by_label(f"Почему это не аккаунт органа (находка № {ids['finding']})").fill(
        "страница болельщиков"
    )
    page.get_by_role("button", name=f"Не аккаунт органа: находка № {ids['finding']}").click()
    page.get_by_text(f"Находка № {ids['finding']} закрыта").wait_for()
    check(page)

    assert page.get_by_text("Таких аккаунтов не найдено.").is_visible()
    assert page.get_by_role("heading", name="Недели меньше 8 публикаций (п. 2.1)").is_visible()

    form = page.locator("form[action='/findings/required']")
    form.get_by_label("Орган").select_option(label="Комитет по культуре")
    form.get_by_label("Социальная сеть").select_option("ok")
    form.get_by_label("Номер постановления Администрации").fill("1600")
    form.get_by_label("Дата постановления").fill("2026-11-02")
    form.get_by_label("Срок создания аккаунта").fill("2026-12-15")
    form.get_by_role("button", name="Записать требование").click()
    page.get_by_text("Требование № 2 записано").wait_for()
    check(page)
    assert page.get_by_text("№ 1600 от 02.11.2026").is_visible()


def test_a_specialist_reads_their_organs_findings(city: City, site: str, page) -> None:  # type: ignore[no-untyped-def]
    seed(city)
    log_in(page, site, "culture")

    page.get_by_role("link", name="Замечания").click()
    page.get_by_role("heading", name="Замечания по постоянным требованиям").wait_for()
    check(page)
    page.get_by_role("link", name="Зарегистрировать аккаунт № 1: уведомление п. 3.1").click()

    assert page.get_by_label("Адрес аккаунта").input_value() == "https://t.me/kultura_fans"
