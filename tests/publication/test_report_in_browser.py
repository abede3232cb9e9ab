"""The deputy head's compliance report in headless Chromium: on a desktop, a phone and A4."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser_pw import assert_accessible, assert_no_horizontal_scroll

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


def _open(page: Any, url: str, *, width: int, height: int = 900, media: str = "screen") -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media=media)
    page.goto(url)


@pytest.mark.parametrize("width", [1400, 1024])
def test_on_a_desktop_the_page_fits_the_window(page: Any, report: str, width: int) -> None:
    _open(page, report, width=width)

    assert_no_horizontal_scroll(page, width)
    assert page.evaluate(CLIPPED_CELLS) == []
    assert_accessible(page)


def test_on_a_phone_nothing_scrolls_sideways_and_the_figures_are_legible(
    page: Any, report: str
) -> None:
    _open(page, report, width=390)

    assert_no_horizontal_scroll(page, 390)
    assert_accessible(page)
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('main *')].filter(e => e.textContent.trim()"
        " && e.children.length === 0).map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 12
    labels = page.evaluate(
        "[...document.querySelectorAll('.trend td')].map(td =>"
        " getComputedStyle(td, '::before').content)"
    )
    assert labels and all("кв." in label for label in labels)


def test_printed_on_a4_portrait_no_table_is_wider_than_the_page(page: Any, report: str) -> None:
    _open(page, report, width=A4_CONTENT_WIDTH, height=A4_CONTENT_HEIGHT, media="print")

    assert page.evaluate(WIDEST_TABLE) <= A4_CONTENT_WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_WIDTH
    assert page.evaluate(CLIPPED_CELLS) == []
    # The headline figure and who is late now begin on the first page.
    first_late_row = page.evaluate(
        "document.querySelector('table tbody tr').getBoundingClientRect().bottom"
    )
    assert first_late_row < A4_CONTENT_HEIGHT
    pdf: bytes = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    sizes = {m.groups() for m in re.finditer(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert sizes and all(abs(float(w) - 595.9) < 2 and float(h) > float(w) for w, h in sizes)


def test_screen_readers_get_the_trend_as_a_table(page: Any, report: str) -> None:
    _open(page, report, width=1400)

    headers = page.evaluate(
        "[...document.querySelectorAll('.trend thead th')].map(th => th.textContent)"
    )
    assert headers == ["Орган", "I кв. 2026", "II кв. 2026", "III кв. 2026", "IV кв. 2026"]
    assert page.evaluate("document.querySelectorAll('.trend [aria-hidden=true]').length") > 0
    assert page.evaluate("document.querySelectorAll('svg').length") == 0
