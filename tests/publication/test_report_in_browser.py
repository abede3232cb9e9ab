"""The deputy head's compliance report in headless Chromium: on a desktop, a phone and A4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"
)

# A4 portrait less the report's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH = round((210 - 24) / 25.4 * 96)
A4_CONTENT_HEIGHT = round((297 - 24) / 25.4 * 96)
WIDEST_TABLE = """Math.max(...[...document.querySelectorAll('table')].map(t =>
    Math.max(t.scrollWidth, t.getBoundingClientRect().right)))"""
CLIPPED_CELLS = """[...document.querySelectorAll('td, th')]
    .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)"""


@pytest.fixture(scope="module")
def report(demo_home: Path) -> str:
    return (demo_home / "reports" / "compliance-2026Q4.html").as_uri()


@pytest.mark.parametrize("width", [1400, 1024])
def test_on_a_desktop_the_page_fits_the_window(browser: Browser, report: str, width: int) -> None:
    browser.open(report, width=width)

    assert browser.evaluate("document.documentElement.scrollWidth") <= width
    assert browser.evaluate(CLIPPED_CELLS) == []


def test_on_a_phone_nothing_scrolls_sideways_and_the_figures_are_legible(
    browser: Browser, report: str
) -> None:
    browser.open(report, width=390)

    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    smallest = browser.evaluate(
        "Math.min(...[...document.querySelectorAll('main *')].filter(e => e.textContent.trim()"
        " && e.children.length === 0).map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 12
    labels = browser.evaluate(
        "[...document.querySelectorAll('.trend td')].map(td =>"
        " getComputedStyle(td, '::before').content)"
    )
    assert labels and all("кв." in label for label in labels)


def test_printed_on_a4_portrait_no_table_is_wider_than_the_page(
    browser: Browser, report: str
) -> None:
    browser.open(report, width=A4_CONTENT_WIDTH, height=A4_CONTENT_HEIGHT, media="print")

    assert browser.evaluate(WIDEST_TABLE) <= A4_CONTENT_WIDTH
    assert browser.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_WIDTH
    assert browser.evaluate(CLIPPED_CELLS) == []
    # The headline figure and who is late now begin on the first page.
    first_late_row = browser.evaluate(
        "document.querySelector('table tbody tr').getBoundingClientRect().bottom"
    )
    assert first_late_row < A4_CONTENT_HEIGHT
    pdf = browser.print_pdf()
    assert pdf.startswith(b"%PDF")
    sizes = {m.groups() for m in re.finditer(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert sizes and all(abs(float(w) - 595.9) < 2 and float(h) > float(w) for w, h in sizes)


def test_screen_readers_get_the_trend_as_a_table(browser: Browser, report: str) -> None:
    browser.open(report, width=1400)

    headers = browser.evaluate(
        "[...document.querySelectorAll('.trend thead th')].map(th => th.textContent)"
    )
    assert headers == ["Орган", "I кв. 2026", "II кв. 2026", "III кв. 2026", "IV кв. 2026"]
    assert browser.evaluate("document.querySelectorAll('.trend [aria-hidden=true]').length") > 0
    assert browser.evaluate("document.querySelectorAll('svg').length") == 0
