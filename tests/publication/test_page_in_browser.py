"""The published page in headless Chromium: readable on a phone, on a desktop, on paper, by everyone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser_pw import assert_accessible, assert_no_horizontal_scroll, print_pdf

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> str:
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


def test_on_a_phone_nothing_scrolls_sideways_and_every_cell_is_labelled(
    page: Any, registry_url: str
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(registry_url)

    assert_no_horizontal_scroll(page, 375)
    labels = page.evaluate(
        "[...document.querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels and all(label.startswith('"') and label != '""' for label in labels)
    assert page.evaluate("getComputedStyle(document.querySelector('thead')).position") == "absolute"


def test_on_a_desktop_it_is_a_table_with_links_to_the_accounts(
    page: Any, registry_url: str
) -> None:
    page.goto(registry_url)

    assert_no_horizontal_scroll(page, 1280)
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert page.evaluate("getComputedStyle(document.querySelector('table')).display") == "table"
    hrefs = page.eval_on_selector_all("tbody a", "links => links.map(a => a.href)")
    assert "https://vk.com/kultura_nvl_demo" in hrefs and len(hrefs) == 7
    assert page.evaluate("document.scripts.length") == 0


def test_printed_it_drops_the_file_list_and_spells_out_addresses(
    page: Any, registry_url: str
) -> None:
    page.goto(registry_url)
    page.emulate_media(media="print")

    assert page.evaluate("getComputedStyle(document.querySelector('.files')).display") == "none"
    after = page.evaluate("getComputedStyle(document.querySelector('tbody a'), '::after').content")
    assert "attr(href)" in after or "http" in after
    assert print_pdf(page).startswith(b"%PDF-")


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_serious_or_critical_problem_on_a_phone_or_a_desktop(
    page: Any, registry_url: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(registry_url)

    assert_accessible(page)
