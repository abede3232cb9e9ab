"""Whether a link on a page points to an account, forgiving where the networks are (п. 1.4).

Equal are: http and https, a trailing slash, the ``m.`` and ``www.`` prefixes,
upper and lower case, a query or fragment, and the networks' twin domains
(vk.com and vk.ru, t.me and telegram.me, ok.ru and odnoklassniki.ru, dzen.ru
and zen.yandex.ru).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

TWINS = {
    "vk.ru": "vk.com",
    "telegram.me": "t.me",
    "odnoklassniki.ru": "ok.ru",
    "zen.yandex.ru": "dzen.ru",
}


def link_key(url: str) -> str | None:
    """Reduce an address to what identifies an account: host and path, normalised."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    host = TWINS.get(host, host)
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}" if path else None


def find_link(account_url: str, hrefs: Iterable[str], *, base: str) -> str | None:
    """Return the first href (resolved against ``base``) that points to the account."""
    wanted = link_key(account_url)
    if wanted is None:
        return None
    for href in hrefs:
        absolute = urljoin(base, href.strip())
        if link_key(absolute) == wanted:
            return absolute
    return None
