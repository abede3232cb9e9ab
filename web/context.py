"""What the web app is made of: the application, its secret, the directory, the site fetcher."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from services.app import Srok
from services.links import Fetcher, page_fetcher
from services.signing import secret_key
from services.users import Directory
from web.guard import DEFAULT_MAX_BODY

SESSION_HOURS = 8  # a working day


@dataclass
class WebContext:
    """Everything a request needs besides itself; made once per process."""

    srok: Srok
    secret: bytes
    web_url: str
    directory: Directory | None = None
    fetcher_factory: Callable[[], Fetcher] = field(default=page_fetcher)
    local_admin_only: bool = False
    max_body: int = DEFAULT_MAX_BODY

    @classmethod
    def from_env(cls, srok: Srok | None = None, **overrides: Any) -> WebContext:
        application = srok or Srok()
        env = os.environ
        directory = overrides.pop("directory", None)
        if directory is None and env.get("SROK_AUTH", "local") == "ldap":
            from web.ldap_login import directory_from_env

            directory = directory_from_env()
        return cls(
            srok=application,
            secret=overrides.pop("secret", None) or secret_key(application.settings.home),
            web_url=(env.get("SROK_WEB_URL") or "http://127.0.0.1:8608").rstrip("/"),
            directory=directory,
            max_body=_max_body(env.get("SROK_WEB_MAX_BODY")),
            **overrides,
        )

    @property
    def secure_cookies(self) -> bool:
        return self.web_url.startswith("https://")

    @contextmanager
    def fetcher(self) -> Iterator[Fetcher]:
        """A fetcher of the city site's pages for one request, closed after it."""
        fetcher = self.fetcher_factory()
        try:
            yield fetcher
        finally:
            close = getattr(fetcher, "close", None)
            if close:
                close()


def _max_body(raw: str | None) -> int:
    """SROK_WEB_MAX_BODY: the largest request body the app reads, in bytes."""
    if raw is None or not raw.strip():
        return DEFAULT_MAX_BODY
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1024:
        from domain.errors import RuleViolation

        raise RuleViolation(
            "SROK_WEB_MAX_BODY", f"ожидается число байт не меньше 1024, получено {raw!r}"
        )
    return value
