"""httpx against a local site: links, redirects, failures, windows-1251."""

from __future__ import annotations

import pytest

from citysite.pages import PageFetcher, decode
from tests.site_server import Site


@pytest.fixture
def fetcher() -> PageFetcher:
    f = PageFetcher(timeout=1)
    yield f  # type: ignore[misc]
    f.close()


def test_links_in_menus_and_tables_are_found(city_site: Site, fetcher: PageFetcher) -> None:
    page = fetcher.fetch(city_site.url("/kultura/"))

    assert page.ok and page.status == 200
    assert "https://m.vk.com/kultura_nvl/" in page.hrefs
    assert "https://odnoklassniki.ru/group/555/" in page.hrefs


def test_a_redirect_is_followed(city_site: Site, fetcher: PageFetcher) -> None:
    page = fetcher.fetch(city_site.url("/old-kultura"))

    assert page.final_url == city_site.url("/kultura/") and page.ok


@pytest.mark.parametrize("path", ["/molodezh", "/molodezh-meta"])
def test_windows_1251_pages_are_read(city_site: Site, fetcher: PageFetcher, path: str) -> None:
    page = fetcher.fetch(city_site.url(path))

    assert page.hrefs == ("https://vk.ru/molodezh_nvl",)


@pytest.mark.parametrize(
    ("path", "words"), [("/missing", "404"), ("/broken", "500"), ("/slow", "не ответила вовремя")]
)
def test_a_page_that_fails_says_why(
    city_site: Site, fetcher: PageFetcher, path: str, words: str
) -> None:
    page = fetcher.fetch(city_site.url(path))

    assert not page.ok and words in (page.error or "")
    assert page.hrefs == ()


def test_an_undeclared_cyrillic_page_falls_back_to_windows_1251() -> None:
    assert decode("Молодёжь".encode("windows-1251"), None) == "Молодёжь"
    assert decode("Молодёжь".encode(), None) == "Молодёжь"
