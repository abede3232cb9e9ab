"""Local stand-ins of the networks' APIs, on loopback, answering in each API's real shapes.

Shapes: VK from VKCOM/vk-api-schema (5.199 and 5.131), OK from apiok.ru, the
Telegram preview from the markup snscrape reads, MAX from max-messenger/api-schema.
A caller queues faults (``fake.faults.append("rate")``) that the next request meets.
The tests and `srok demo` start them; srok itself never does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], bytes]


class QuietHTTPServer(ThreadingHTTPServer):
    """A server that keeps a client's dropped connection to itself (a timeout, a closed client).

    socketserver prints a traceback to stderr from its request thread when a
    client goes away mid-request; it would read like srok's own traceback.
    """

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def json_reply(data: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


class FakeApi:
    """A threaded HTTP server; subclasses answer ``reply``. Faults are met in order."""

    slow_seconds = 2.0

    def __init__(self) -> None:
        self.faults: list[str] = []
        self.methods: list[str] = []  # GET or POST, in the order of requests
        self.on_request: Callable[[str], None] | None = None  # a test's hook, given the path
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.server = QuietHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    def fault(self, kind: str) -> Reply | None:
        """The reply of a queued fault common to every API, or None for the API's own."""
        if kind == "500":
            return 502, {"Content-Type": "text/html"}, b"<html>502 Bad Gateway</html>"
        if kind == "garbage":
            return 200, {"Content-Type": "application/json"}, b'{"response": {"items": [{'
        if kind == "slow":
            time.sleep(self.slow_seconds)
            return 200, {"Content-Type": "application/json"}, b"{}"
        if kind == "429":
            return 429, {"Retry-After": "0", "Content-Type": "application/json"}, b"{}"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = self.rfile.read(length).decode()
                self.do_GET(form)

            def do_GET(self, form: str = "") -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                query.update({k: v[-1] for k, v in parse_qs(form).items()})
                api.methods.append(self.command)
                headers = {k.lower(): v for k, v in self.headers.items()}
                api.requests.append((parts.path, query, headers))
                if api.on_request is not None:
                    api.on_request(parts.path)
                reply = None
                if api.faults:
                    kind = api.faults.pop(0)
                    reply = api.fault(kind) or api.own_fault(kind)
                status, extra, body = reply or api.reply(parts.path, query, headers)
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def own_fault(self, kind: str) -> Reply:
        raise AssertionError(f"unknown fault {kind}")


def unix(text: str) -> int:
    """``2026-11-23T10:00+07:00`` as a unix time."""
    return int(datetime.fromisoformat(text).timestamp())


def serve(api: FakeApi) -> Iterator[FakeApi]:
    api.start()
    try:
        yield api
    finally:
        api.stop()
