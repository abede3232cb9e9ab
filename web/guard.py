"""What every request and answer passes through before any route: size, headers, the access log.

- A body larger than ``SROK_WEB_MAX_BODY`` bytes (default 1 MiB: the largest
  form srok takes is a few kilobytes of text) is refused with 413 before it is
  read into memory, whether the client announced its length or streamed it.
- Every answer says the browser may not frame it, sniff it or send its address
  on as a Referer: one-click links carry their token in the path, and a page
  opened from one must not hand that path to whatever it links to.
- Each request is logged (method, path, status, milliseconds) to the
  ``srok.web.access`` logger with one-click tokens cut out of the path; the
  query string is never logged. uvicorn's own access log stays off because it
  logs paths whole.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 1024 * 1024
ACCESS = logging.getLogger("srok.web.access")

# /act/<token> and /act/<token>/anything: the token is a credential.
_TOKEN_PATH = re.compile(r"^(/act/)[^/]+")
TOO_LARGE = "Запрос слишком большой: не более {limit} байт."

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
# Pages use no inline script; styles may be inline (the compliance report is one
# self-contained file with its <style>, the figures' bars are style="width:…").
# The API's own docs page loads Swagger UI from elsewhere and gets no policy.
_CSP = (
    b"content-security-policy",
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
)


def loggable_path(path: str) -> str:
    """The path as the access log may show it: one-click tokens replaced by «…»."""
    return _TOKEN_PATH.sub(r"\1…", path)


class BodyTooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: the body limit, the security headers and the redacted access log."""

    def __init__(self, app: ASGIApp, *, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = str(scope.get("path", ""))
        status = 500
        answered = False

        async def send_guarded(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = int(message["status"])
                answered = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = list(_HEADERS)
                if not path.startswith("/api/docs"):
                    extra.append(_CSP)
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            if self._announced_too_large(scope):
                await self._refuse(scope, send_guarded)
                return
            received = 0

            async def receive_counted() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise BodyTooLarge
                return message

            try:
                await self.app(scope, receive_counted, send_guarded)
            except BodyTooLarge:
                if answered:
                    raise
                await self._refuse(scope, send_guarded)
        finally:
            ACCESS.info(
                "%s %s %s %.0f ms",
                scope.get("method", ""),
                loggable_path(path),
                status,
                (time.perf_counter() - started) * 1000,
            )

    def _announced_too_large(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    return int(value) > self.max_body
                except ValueError:
                    return False
        return False

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = TOO_LARGE.format(limit=self.max_body)
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps(
                {"error": {"field": "body", "clause": None, "message": message}},
                ensure_ascii=False,
            ).encode()
            kind = b"application/json"
        else:
            body = (
                '<!doctype html><html lang="ru"><meta charset="utf-8">'
                f"<title>Запрос слишком большой — srok</title><p>{message}</p></html>"
            ).encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
