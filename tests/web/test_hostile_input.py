"""What a careless or hostile client sends gets a 4xx in Russian, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.users import create_token
from tests.web.conftest import City
from tests.web.test_api import NOTICE
from web.app import create_app

HUGE = 2**70  # past int64: SQLite's driver raises OverflowError
PAST_INT32 = 2**31  # past PostgreSQL's integer: a DataError there
SPECIALIST = {
    "name": "Б",
    "position": "с",
    "phone": "+7 000 000-00-01",
    "email": "b@example.invalid",
}


def _client(city: City) -> TestClient:
    return TestClient(create_app(city.ctx), raise_server_exceptions=False, follow_redirects=False)


def _token(city: City, login: str) -> dict[str, str]:
    with city.srok.transaction() as s:
        return {"Authorization": f"Bearer {create_token(session=s, login=login, actor='test')}"}


def _requests(big: int, login: str) -> list[tuple[str, str, object]]:
    office = [("POST", "/api/v1/notices", {**NOTICE, "organ": big})] if login != "culture" else []
    return [
        *office,
        ("GET", f"/api/v1/accounts/{big}", None),
        (
            "POST",
            f"/api/v1/accounts/{big}/changes",
            {"changed_on": "2026-12-01", "specialists": []},
        ),
        ("POST", f"/api/v1/accounts/{big}/link", {"page": "http://127.0.0.1:1/"}),
        ("POST", f"/api/v1/accounts/{big}/access", {"person": "Х"}),
        ("POST", f"/api/v1/accounts/{big}/registry-entry", None),
        ("GET", f"/api/v1/specialists?organ={big}", None),
        ("POST", "/api/v1/specialists", {**SPECIALIST, "organ": big}),
        ("POST", "/api/v1/users", {"login": "z", "role": "specialist", "organ": big}),
    ]


@pytest.mark.parametrize("big", [HUGE, PAST_INT32])
@pytest.mark.parametrize("login", ["culture", "it", "admin"])
def test_an_id_too_large_for_the_database_is_a_4xx_on_every_api_endpoint(
    city: City, login: str, big: int
) -> None:
    client, headers = _client(city), _token(city, login)

    answers = {
        (method, url): client.request(method, url, json=body, headers=headers)
        for method, url, body in _requests(big, login)
    }

    assert {k: r.status_code for k, r in answers.items() if not 400 <= r.status_code < 500} == {}
    assert all("error" in r.json() for r in answers.values())


@pytest.mark.parametrize("big", [HUGE, PAST_INT32])
def test_an_id_too_large_for_the_database_is_a_4xx_on_every_page(
    city: City, as_role, big: int
) -> None:
    client = _client_with(as_role("it"), city)  # same cookies; errors answered, not raised
    pages = [f"/accounts/{big}", f"/accounts/{big}/change", f"/it/accounts/{big}/audit"]
    pages += [f"/accounts?organ={big}"]

    answers = {url: client.get(url).status_code for url in pages}

    assert {u: s for u, s in answers.items() if not 400 <= s < 500} == {}


def _client_with(logged_in: TestClient, city: City) -> TestClient:
    client = _client(city)
    client.cookies = logged_in.cookies
    return client
