"""Fetch an organ's page on the city site and list its links (httpx, stdlib HTML parser).

Pages of municipal sites come in UTF-8 and in windows-1251, declared in the
Content-Type header, in a <meta> tag, or not at all: the header wins, then the
meta tag, then UTF-8 if the bytes decode, else windows-1251.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

USER_AGENT = "srok/0.1 (site link check, clause 1.4; Novoaltaisk IT department)"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """What a fetch found: the final address, status, links, or why there are none."""

    url: str
    final_url: str
    status: int | None
    hrefs: tuple[str, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value)


def decode(content: bytes, header_charset: str | None) -> str:
    """Decode a page by its declared charset, else by sniffing."""
    candidates = []
    if header_charset:
        candidates.append(header_charset)
    meta = _META_CHARSET.search(content[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    candidates += ["utf-8", "windows-1251"]
    for charset in candidates:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", errors="replace")


def links_in(html: str) -> tuple[str, ...]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return tuple(parser.hrefs)


class PageFetcher:
    """Fetch pages with one httpx client: timeouts, redirects followed, no cookies kept."""

    def __init__(self, *, timeout: float = 15.0, max_redirects: int = 5) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={"User-Agent": USER_AGENT},
        )

    def fetch(self, url: str) -> Page:
        try:
            response = self._client.get(url)
        except httpx.TimeoutException:
            return Page(url, url, None, error="страница не ответила вовремя")
        except httpx.TooManyRedirects:
            return Page(url, url, None, error="слишком много перенаправлений")
        except httpx.HTTPError as exc:
            return Page(url, url, None, error=f"страница недоступна ({type(exc).__name__})")
        final = str(response.url)
        if response.status_code >= 400:
            return Page(
                url, final, response.status_code, error=f"сервер ответил {response.status_code}"
            )
        text = decode(response.content, response.charset_encoding)
        return Page(url, final, response.status_code, hrefs=links_in(text))

    def close(self) -> None:
        self._client.close()
