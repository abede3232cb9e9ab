"""The published page in headless Chromium: readable on a phone, on a desktop, and on paper."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"
)
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    home = tmp_path_factory.mktemp("site")
    env = {"SROK_HOME": str(home), "SROK_TODAY": "2026-12-01", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--reset", "--sweep-days", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (home / "public" / "current" / "index.html").as_uri()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


def test_on_a_phone_nothing_scrolls_sideways_and_every_cell_is_labelled(
    browser: Browser, page: str
) -> None:
    browser.open(page, width=375)

    assert browser.evaluate("document.documentElement.scrollWidth") <= 375
    labels = browser.evaluate(
        "[...document.querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels and all(label.startswith('"') and label != '""' for label in labels)
    assert (
        browser.evaluate("getComputedStyle(document.querySelector('thead')).position") == "absolute"
    )


def test_on_a_desktop_it_is_a_table_with_links_to_the_accounts(browser: Browser, page: str) -> None:
    browser.open(page, width=1280)

    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
    assert browser.evaluate("document.documentElement.lang") == "ru"
    assert browser.evaluate("getComputedStyle(document.querySelector('table')).display") == "table"
    hrefs = browser.evaluate("[...document.querySelectorAll('tbody a')].map(a => a.href)")
    # The demo publishes 2026Q3 (on 20.10.2026): 2026Q4 is not over on its day, 01.12.2026.
    assert "https://vk.com/novoaltaysk_demo" in hrefs and len(hrefs) == 2
    assert browser.evaluate("document.scripts.length") == 0


def test_printed_it_drops_the_file_list_and_spells_out_addresses(
    browser: Browser, page: str
) -> None:
    browser.open(page, width=1000, media="print")

    assert browser.evaluate("getComputedStyle(document.querySelector('.files')).display") == "none"
    after = browser.evaluate(
        "getComputedStyle(document.querySelector('tbody a'), '::after').content"
    )
    assert "attr(href)" in after or "http" in after
