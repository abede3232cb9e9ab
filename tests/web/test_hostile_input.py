"""What a careless or hostile client sends gets a 4xx in Russian, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.tables import LinkCheck
from services.users import create_token
from tests.web.conftest import City, csrf_of, register_site_page
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


def _cyrillic(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" for ch in text)


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (b"\xff\xfe{", "application/json", "body"),  # not UTF-8
        (b"{" * 1000, "application/json", "body"),  # not JSON
        (b"[]", "application/json", "body"),  # not an object
        (b"null", "application/json", "body"),
        (b"network=vk", "application/x-www-form-urlencoded", "body"),
        (
            b'{"network": 1, "url": "u", "created_on": "2026-11-30", "specialists": []}',
            None,
            "network",
        ),
        (b'{"url": "u", "created_on": "2026-11-30", "specialists": []}', None, "network"),
    ],
)
def test_a_malformed_body_is_answered_in_russian_with_the_field_named(
    city: City, body: bytes, content_type: str | None, field: str
) -> None:
    headers = {**_token(city, "culture"), "content-type": content_type or "application/json"}

    response = _client(city).post("/api/v1/notices", content=body, headers=headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field
    assert _cyrillic(error["message"]), error["message"]


@pytest.mark.parametrize(
    ("method", "url"), [("GET", "/api/v1/no-such-thing"), ("DELETE", "/api/v1/queue")]
)
def test_an_unknown_address_or_method_is_answered_in_russian(
    city: City, method: str, url: str
) -> None:
    response = _client(city).request(method, url, headers=_token(city, "it"))

    assert response.status_code in (404, 405)
    assert _cyrillic(response.json()["error"]["message"]), response.json()


def test_a_wrong_query_value_on_a_page_is_a_russian_page_not_json(city: City, as_role) -> None:
    client = _client_with(as_role("it"), city)

    response = client.get("/accounts?organ=abc")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "organ" in response.text


def test_a_specialist_cannot_make_srok_fetch_an_address_off_the_city_site(
    city: City, city_site
) -> None:
    register_site_page(city, "https://novoaltaysk.ru/kultura")
    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'

    response = _client(city).post(
        f"/api/v1/accounts/{city.account}/link",
        json={"page": city_site.url("/kultura-ok")},  # loopback: any internal service
        headers=_token(city, "culture"),
    )

    assert response.status_code == 422
    assert response.json()["error"]["clause"] == "1.4"
    with city.srok.transaction() as s:
        assert s.exec(select(LinkCheck)).all() == []  # nothing was fetched


def test_a_short_password_is_named_as_the_api_spells_the_field(city: City) -> None:
    body = {"login": "new", "role": "it", "password": "short"}

    response = _client(city).post("/api/v1/users", json=body, headers=_token(city, "admin"))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "password"  # not the CLI's --password-stdin


def _racing(city: City, send_again) -> None:  # type: ignore[no-untyped-def]
    """Make the page fetch of a link report send the same submission again meanwhile."""
    from citysite.pages import PageFetcher

    done: list[object] = []

    class RacingFetcher(PageFetcher):
        def fetch(self, url: str):  # type: ignore[no-untyped-def]
            if not done:
                done.append(None)
                done[0] = send_again()
            return super().fetch(url)

    city.ctx.fetcher_factory = lambda: RacingFetcher(timeout=2)
    city.__dict__["raced"] = done


def test_a_form_pressed_twice_at_once_records_once_and_both_land_on_the_account(
    city: City, as_role, city_site
) -> None:
    from tests.web.conftest import nonce_of

    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
    browser = _client_with(as_role("culture"), city)
    form = browser.get(f"/accounts/{city.account}").text
    data = {"csrf": csrf_of(form), "nonce": nonce_of(form, "link")}
    data |= {"form": "link", "page": city_site.url("/kultura-ok")}
    url = f"/accounts/{city.account}/link"
    _racing(city, lambda: browser.post(url, data=data))

    first = browser.post(url, data=data)

    (second,) = city.__dict__["raced"]
    assert (first.status_code, second.status_code) == (303, 303)  # type: ignore[attr-defined]
    with city.srok.transaction() as s:
        assert len(s.exec(select(LinkCheck)).all()) == 1


def test_an_api_request_sent_twice_at_once_with_one_key_records_once(city: City, city_site) -> None:
    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
    client = _client(city)
    headers = {**_token(city, "culture"), "Idempotency-Key": "report-1"}
    url, body = f"/api/v1/accounts/{city.account}/link", {"page": city_site.url("/kultura-ok")}
    _racing(city, lambda: client.post(url, json=body, headers=headers))

    first = client.post(url, json=body, headers=headers)

    (second,) = city.__dict__["raced"]
    assert {first.status_code, second.status_code} == {200}  # type: ignore[attr-defined]
    with city.srok.transaction() as s:
        assert len(s.exec(select(LinkCheck)).all()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"specialists": [{**NOTICE["specialists"][0], "full_name": "Я" * 200_000}]}, "name"),  # type: ignore[index, dict-item]
        ({"specialists": [{**NOTICE["specialists"][0], "position": "Я" * 200_000}]}, "position"),  # type: ignore[index, dict-item]
        ({"access": ["Я" * 200_000]}, "access_1"),
        ({"url": "https://t.me/" + "a" * 100_000}, "url"),
    ],
)
def test_a_text_of_hundreds_of_kilobytes_is_refused_not_stored(
    city: City, change: dict[str, object], field: str
) -> None:
    response = _client(city).post(
        "/api/v1/notices", json={**NOTICE, **change}, headers=_token(city, "culture")
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert "символ" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"access": ["А", "Б", "В", "Г"]}, "access_4"),
        (
            {
                "specialists": [
                    {**NOTICE["specialists"][0], "email": f"e{n}@example.invalid"}  # type: ignore[index, dict-item]
                    for n in range(4)
                ]
            },
            "specialist_4_full_name",
        ),
    ],
)
def test_rows_past_what_the_form_takes_are_refused_not_dropped(
    city: City, change: dict[str, object], field: str
) -> None:
    response = _client(city).post(
        "/api/v1/notices", json={**NOTICE, **change}, headers=_token(city, "culture")
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_the_public_registry_json_holds_no_personal_data(city: City) -> None:
    client = _client(city)
    client.post("/api/v1/notices", json=NOTICE, headers=_token(city, "culture"))
    account_id = client.get("/api/v1/queue", headers=_token(city, "it")).json()[0]["account_id"]
    client.post(f"/api/v1/accounts/{account_id}/registry-entry", headers=_token(city, "it"))

    public = client.get("/api/v1/registry")

    assert public.status_code == 200 and "https://" in public.text
    for personal in ("Апи", "api@example.invalid", "000-00-55", "Тестов", "test1@example"):
        assert personal not in public.text
