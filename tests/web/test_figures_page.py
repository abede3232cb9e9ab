"""The deputy head's figures page: the organs that do worst, rendered once per state of records."""

from __future__ import annotations

from datetime import date

import pytest

import web.figures_page
from tests.web.conftest import City
from tests.web.test_office import _notice


def test_a_big_city_shows_the_worst_organs_and_links_to_all_of_them(
    city: City, as_role, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web.figures_page, "ORGANS_SHOWN", 1)
    _notice(city, city.account, date(2026, 11, 30))  # culture: late (due 25.11.2026)
    _notice(city, city.other_account, date(2026, 11, 20))  # sport: in time
    client = as_role("head")

    page = client.get("/figures?quarter=2026Q4").text
    every = client.get("/figures?quarter=2026Q4&organs=all").text

    organs = page.split("По органам")[1]
    assert "Комитет по культуре" in organs and "Комитет по спорту" not in organs
    assert "ещё 1" in page and "organs=all" in page
    assert "Комитет по спорту" in every.split("По органам")[1]
    assert "ещё 1" not in every


def test_the_page_is_rendered_once_until_the_records_change(
    city: City, as_role, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    render = web.figures_page.organ_table
    monkeypatch.setattr(web.figures_page, "organ_table", lambda d: made.append(1) or render(d))
    client = as_role("head")

    first = client.get("/figures?quarter=2026Q4").text
    second = client.get("/figures?quarter=2026Q4").text
    _notice(city, city.account, date(2026, 11, 30))
    third = client.get("/figures?quarter=2026Q4").text

    assert len(made) == 2
    assert first == second != third
