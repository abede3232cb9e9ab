"""The moderation queue in real Chromium (п. 2.5): a specialist decides, the deputy head reads masked.

Each page passes axe-core (no serious or critical finding) and fits 390 px.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import City
from tests.web.test_journeys import check, log_in, site  # noqa: F401 (site is a fixture)
from tests.web.test_moderation_page import MASKED, PHONE, _comment, add_comment

pytestmark = [pytest.mark.parametrize("engine", ["sqlite"], indirect=True), pytest.mark.slow]


def test_a_specialist_keeps_one_comment_and_files_another_by_hand(
    city: City, request: pytest.FixtureRequest, page
) -> None:
    url: str = request.getfixturevalue("site")  # the app on uvicorn (test_journeys)
    flagged = add_comment(city, city.account, 1)
    clean = add_comment(
        city,
        city.account,
        2,
        text="А мэр опять всё врёт про дороги",
        masked="А мэр опять всё врёт про дороги",
        state="clean",
    )
    log_in(page, url, "culture")

    page.get_by_role("link", name="Модерация").click()
    page.get_by_role("heading", name=f"Комментарий № {flagged} ждёт дольше рабочего дня").wait_for()
    check(page)
    assert PHONE in page.content()
    card = page.get_by_role("article", name=f"Комментарий № {flagged}")
    card.get_by_role("button", name=f"Оставлен: комментарий № {flagged}").click()
    # The browser itself holds the form while the reason is empty: nothing is sent.
    assert _comment(city, flagged).state == "flagged"
    card.get_by_label("Причина").fill("номер организации, не гражданина")
    card.get_by_role("button", name=f"Оставлен: комментарий № {flagged}").click()
    page.get_by_text(f"Решение по комментарию № {flagged} записано").wait_for()
    check(page)

    other = page.get_by_role("article", name=f"Комментарий № {clean}")
    other.get_by_label("Отметить вручную").select_option("unverified")
    other.get_by_role("button", name=f"Отметить комментарий № {clean}").click()
    page.get_by_text(f"Комментарий № {clean} отмечен").wait_for()
    check(page)

    assert _comment(city, flagged).decision_reason == "номер организации, не гражданина"
    assert _comment(city, clean).state == "flagged"


def test_the_deputy_head_reads_the_queue_with_personal_data_masked(
    city: City, request: pytest.FixtureRequest, page
) -> None:
    url: str = request.getfixturevalue("site")  # the app on uvicorn (test_journeys)
    add_comment(city, city.account, 1)
    log_in(page, url, "head")

    page.goto(f"{url}/moderation")
    check(page)
    page.get_by_role("link", name="Комитет по культуре").click()
    page.get_by_text("Персональные данные в текстах скрыты").wait_for()
    check(page)

    assert MASKED in page.content() and PHONE not in page.content()
