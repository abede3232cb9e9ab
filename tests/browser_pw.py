"""Pages people read, in Debian's Chromium driven by Playwright: fixtures and checks.

A pytest plugin (tests/conftest.py lists it in ``pytest_plugins``). It gives:

- ``chromium``: one headless Chromium for the session, launched from
  ``/usr/bin/chromium`` with ``executable_path`` (Playwright never downloads a browser here);
- ``page``: a fresh context and page per test (Russian locale, Asia/Barnaul clock, 1280x900);
- ``assert_accessible(page)``: runs axe-core (node_modules/axe-core, pinned by
  package-lock.json) and fails on any serious or critical violation, listing them;
- ``assert_no_horizontal_scroll(page, width)``: the page at that width does not scroll sideways;
- ``print_pdf(page)``: the page as the browser prints it, PDF bytes.

Each skips with its reason when Chromium or axe-core is missing (.ci/run installs both).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
CHROMIUM = (
    os.environ.get("SROK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Chromium as root on a machine with a closed network: no sandbox (root), and none of the
# background connections it would otherwise retry at every start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = ("serious", "critical")
NO_CHROMIUM = (
    "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)"
)
NO_AXE = "needs node_modules/axe-core (npm ci at the top of the repo; make test and .ci/run do)"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Launch one headless Chromium for the whole session; close it (and Playwright) at the end."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
    except Exception:
        playwright.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """Give a test a page of its own: a new context, so no cookie or storage leaks between tests."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        locale="ru-RU",
        timezone_id="Asia/Barnaul",
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def assert_accessible(page: Any, *, exclude: list[str] | None = None) -> None:
    """Fail when axe-core finds a serious or critical violation on the page as it is now.

    axe is evaluated through the DevTools protocol, not a <script> tag, so a page's
    Content-Security-Policy does not stop it. ``exclude`` lists CSS selectors axe skips.
    """
    if not AXE_JS.exists():
        pytest.skip(NO_AXE)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    context: Any = {"exclude": [[s] for s in exclude]} if exclude else "document"
    results = page.evaluate(
        """async (context) => {
            const scope = context === "document" ? document : context;
            const r = await axe.run(scope, {resultTypes: ["violations"]});
            return r.violations;
        }""",
        context,
    )
    blocking = [v for v in results if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe-core: {len(blocking)} serious or critical violation(s) on {page.url}\n"
            + describe_violations(blocking),
            pytrace=False,
        )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Say each violation in a few lines: rule, impact, what is wrong, and where."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v.get('helpUrl', '')}]")
        for node in v.get("nodes", [])[:5]:
            target = " ".join(json.dumps(t, ensure_ascii=False) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v.get("nodes", [])) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_no_horizontal_scroll(page: Any, width: int) -> None:
    """Lay the page out ``width`` CSS pixels wide and fail if it scrolls sideways, naming the culprits."""
    size = page.viewport_size or {"height": 900}
    if size.get("width") != width:
        page.set_viewport_size({"width": width, "height": size["height"]})
    overflow = page.evaluate(
        """(width) => {
            const doc = document.documentElement;
            if (doc.scrollWidth <= width) return null;
            const wide = [...document.body.querySelectorAll("*")]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 8)
                .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                     + (e.className && typeof e.className === "string"
                        ? "." + e.className.trim().split(/\\s+/).join(".") : "")
                     + " right=" + Math.round(e.getBoundingClientRect().right));
            return {scrollWidth: doc.scrollWidth, wide};
        }""",
        width,
    )
    if overflow:
        pytest.fail(
            f"{page.url} scrolls sideways at {width} px: scrollWidth {overflow['scrollWidth']}; "
            f"wider than the screen: {', '.join(overflow['wide'])}",
            pytrace=False,
        )


def print_pdf(page: Any) -> bytes:
    """Print the page as Chromium would on A4 (print stylesheet applied) and return the PDF."""
    pdf: bytes = page.pdf(format="A4", print_background=True)
    return pdf
