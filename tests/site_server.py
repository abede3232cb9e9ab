"""A local stand-in for the city site: real-looking organ pages, and the ways pages fail."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

KULTURA = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Комитет по культуре</title></head>
<body><header><nav class="menu"><ul>
<li><a href="/">Главная</a></li>
<li><a href="/kultura/">Комитет по культуре</a>
  <ul class="submenu"><li><a href="https://m.vk.com/kultura_nvl/">Мы ВКонтакте</a></li>
  <li><a href="http://telegram.me/kultura_nvl">Telegram-канал</a></li></ul></li>
</ul></nav></header>
<main><h1>Комитет по культуре</h1>
<table class="contacts"><tr><th>Соцсеть</th><th>Адрес</th></tr>
<tr><td>Одноклассники</td><td><a href="https://odnoklassniki.ru/group/555/">ok.ru/group/555</a></td></tr>
</table></main></body></html>"""

CP1251 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Отдел по делам молодёжи</title></head><body>
<p>Наши страницы в социальных сетях:</p>
<table><tr><td><a href="https://vk.ru/molodezh_nvl">ВКонтакте — молодёжь Новоалтайска</a></td></tr></table>
</body></html>"""

EMPTY = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"></head>
<body><p>Страница в разработке</p><a href="https://vk.com/someone_else">чужая ссылка</a></body></html>"""


class QuietHTTPServer(ThreadingHTTPServer):
    """A test server that keeps a client's dropped connection to itself.

    socketserver prints a traceback to stderr from its request thread when a
    client goes away mid-request (a timeout test, a closed fetcher); printed into
    another test's captured stderr, it looked like srok's own traceback.
    """

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}  # extra UTF-8 pages a test serves
        handler = _handler(self.pages)
        self.server = QuietHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"


def _handler(extra: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path in extra:
                self._send(200, extra[self.path].encode(), "text/html; charset=utf-8")
            elif self.path == "/kultura/":
                self._send(200, KULTURA.encode(), "text/html; charset=utf-8")
            elif self.path == "/old-kultura":
                self.send_response(301)
                self.send_header("Location", "/kultura/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/molodezh":  # windows-1251, declared in the header
                self._send(200, CP1251.encode("windows-1251"), "text/html; charset=windows-1251")
            elif self.path == "/molodezh-meta":  # windows-1251, declared only in <meta>
                self._send(200, CP1251.encode("windows-1251"), "text/html")
            elif self.path == "/empty":
                self._send(200, EMPTY.encode(), "text/html; charset=utf-8")
            elif self.path == "/broken":
                self._send(500, b"Internal Server Error", "text/plain")
            elif self.path == "/slow":
                time.sleep(3)
                self._send(200, KULTURA.encode(), "text/html; charset=utf-8")
            else:
                self._send(404, "<h1>Страница не найдена</h1>".encode(), "text/html; charset=utf-8")

    return Handler


@pytest.fixture
def city_site() -> Iterator[Site]:
    site = Site()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()
