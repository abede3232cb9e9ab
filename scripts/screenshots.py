"""Screenshots of the main pages for the README, on the demo city (run `make demo` first).

Usage: SROK_HOME=var/demo .venv/bin/python scripts/screenshots.py [OUT_DIR]
Drives Debian's chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import uvicorn
from playwright.sync_api import sync_playwright

from services.demo import DEMO_PASSWORD
from web.app import create_app
from web.context import WebContext

PAGES = [
    ("kultura", "/accounts", "specialist-accounts"),
    ("kultura", "/notices/new", "specialist-notice"),
    ("kultura", "/accounts/4", "specialist-account"),
    ("it", "/it/queue", "it-queue"),
    ("it", "/it/publication", "it-publication"),
    ("head", "/figures", "head-figures"),
    ("kultura", "/moderation", "specialist-moderation"),
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(WebContext.from_env()), host="127.0.0.1", port=0, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    chromium = shutil.which("chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for login, path, name in PAGES:
            for width, suffix in ((1280, ""), (390, "-phone")):
                if suffix and name not in ("specialist-account", "it-queue"):
                    continue
                page = browser.new_context(
                    viewport={"width": width, "height": 900}, locale="ru-RU"
                ).new_page()
                page.goto(f"{base}/login")
                page.get_by_label("Логин").fill(login)
                page.get_by_label("Пароль").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Войти").click()
                page.wait_for_load_state()
                page.goto(f"{base}{path}")
                page.screenshot(path=str(out / f"{name}{suffix}.png"))
                page.context.close()
        browser.close()
    server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
