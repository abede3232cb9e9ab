"""Before any route: bodies too large are refused unread, answers carry security headers,
and the access log never holds a one-click token."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.errors import RuleViolation
from models.tables import Account
from tests.web.conftest import City, csrf_of
from tests.web.test_api import NOTICE
from web.app import create_app
from web.context import WebContext
from web.guard import Guard, loggable_path


def _client(city: City, max_body: int = 4096) -> TestClient:
    city.ctx.max_body = max_body
    return TestClient(create_app(city.ctx), raise_server_exceptions=False, follow_redirects=False)


def _accounts(city: City) -> int:
    with city.srok.transaction() as s:
        return int(s.exec(select(func.count()).select_from(Account)).one())


def test_an_announced_body_past_the_limit_is_refused_in_russian_and_nothing_is_written(
    city: City, as_role: Any
) -> None:
    client = _client(city)
    before = _accounts(city)
    big = {**NOTICE, "comment": "я" * 5000}
    answer = client.post("/api/v1/notices", json=big, headers={"Authorization": "Bearer x"})
    assert answer.status_code == 413
    assert answer.json()["error"]["field"] == "body"
    assert "не более 4096 байт" in answer.json()["error"]["message"]
    page = client.post("/login", data={"login": "x", "password": "я" * 5000})
    assert page.status_code == 413
    assert "Запрос слишком большой" in page.text
    assert _accounts(city) == before


def test_a_body_under_the_limit_still_reaches_the_route(city: City) -> None:
    client = _client(city)
    form = client.get("/login")
    answer = client.post(
        "/login", data={"login": "nobody", "password": "x", "csrf": csrf_of(form.text)}
    )
    assert answer.status_code != 413


def _run(chunks: list[bytes]) -> tuple[int, bool]:
    """Send a chunked body (no Content-Length) through the guard; return status and whether
    the app read past the limit."""
    read_all = False

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal read_all
        while True:
            message = await receive()
            if not message.get("more_body"):
                break
        read_all = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/v1/notices", "headers": []}
    # A thread of its own: a browser test's sync Playwright may hold this thread's loop.
    runner = threading.Thread(
        target=lambda: asyncio.run(Guard(app, max_body=2048)(scope, receive, send))
    )
    runner.start()
    runner.join(30)
    return int(sent[0]["status"]), read_all


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit() -> None:
    status, read_all = _run([b"x" * 1024] * 5)
    assert (status, read_all) == (413, False)
    status, read_all = _run([b"x" * 1024] * 2)
    assert (status, read_all) == (200, True)


def test_every_answer_forbids_framing_sniffing_and_referers(city: City) -> None:
    client = _client(city)
    for path in ("/login", "/registry", "/act/not-a-token", "/api/v1/accounts/1"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy, path
    assert "content-security-policy" not in client.get("/api/docs").headers


def test_the_access_log_names_each_request_without_its_token_or_query(
    city: City, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(city)
    token = "Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ"
    with caplog.at_level(logging.INFO, logger="srok.web.access"):
        client.get(f"/act/{token}")
        client.get("/login?next=/it&secret=abc")
    lines = [r.getMessage() for r in caplog.records if r.name == "srok.web.access"]
    assert any(line.startswith("GET /act/… ") for line in lines), lines
    assert any(line.startswith("GET /login 200") for line in lines), lines
    assert token not in caplog.text and "secret=abc" not in caplog.text
    assert loggable_path(f"/act/{token}/done") == "/act/…/done"


def test_a_nonsense_body_limit_is_refused_naming_the_setting(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SROK_WEB_MAX_BODY", "lots")
    with pytest.raises(RuleViolation) as refused:
        WebContext.from_env(city.srok, secret=b"x" * 32)
    assert refused.value.field == "SROK_WEB_MAX_BODY"
    monkeypatch.setenv("SROK_WEB_MAX_BODY", "65536")
    assert WebContext.from_env(city.srok, secret=b"x" * 32).max_body == 65536
