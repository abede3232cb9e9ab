"""Forgiving matching of account links on a page (п. 1.4)."""

from __future__ import annotations

import pytest

from domain.links import find_link, link_key

SAME = [
    ("https://vk.com/kultura_nvl", "http://vk.com/kultura_nvl/"),
    ("https://vk.com/kultura_nvl", "https://m.vk.com/kultura_nvl"),
    ("https://vk.com/kultura_nvl", "https://www.vk.ru/Kultura_NVL?from=site#top"),
    ("https://t.me/kultura_nvl", "https://telegram.me/kultura_nvl"),
    ("https://ok.ru/group/123", "https://m.odnoklassniki.ru/group/123/"),
    ("https://dzen.ru/kultura", "https://zen.yandex.ru/kultura"),
]
DIFFERENT = [
    ("https://vk.com/kultura_nvl", "https://vk.com/kultura_nvl2"),
    ("https://vk.com/kultura_nvl", "https://ok.ru/kultura_nvl"),
    ("https://vk.com/kultura_nvl", "https://vk.com/"),
    ("https://vk.com/kultura_nvl", "mailto:kultura@example.invalid"),
]


@pytest.mark.parametrize(("account", "href"), SAME)
def test_the_same_account_written_another_way_matches(account: str, href: str) -> None:
    assert link_key(account) == link_key(href)


@pytest.mark.parametrize(("account", "href"), DIFFERENT)
def test_another_account_or_no_account_does_not_match(account: str, href: str) -> None:
    assert link_key(account) != link_key(href) or link_key(href) is None


def test_relative_links_are_resolved_against_the_page() -> None:
    found = find_link(
        "https://novoaltaysk.ru/kultura/vk",
        ["/kultura/vk/", "#"],
        base="https://novoaltaysk.ru/kultura/",
    )

    assert found == "https://novoaltaysk.ru/kultura/vk/"
