"""Who may do what: one check on every route, roles, organs, CSRF, login limits, cookies."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlmodel import func, select

from models.tables import AuditEntry, LoginAttempt
from tests.web.conftest import PASSWORD, City, csrf_of
from web.access import Authorize
from web.app import create_app
from web.routes.public import PUBLIC


def test_every_route_but_the_public_ones_turns_a_stranger_away(city: City, as_role) -> None:
    """Walk every route the app serves (its OpenAPI paths) as a visitor with no session."""
    client = as_role()
    paths = create_app(city.ctx).openapi()["paths"]
    let_in = []

    for path, operations in paths.items():
        if path in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = client.request(method.upper(), url)
            stopped = response.status_code == 401 or (
                response.status_code == 303 and response.headers["location"].startswith("/login")
            )
            if not stopped:
                let_in.append(f"{method.upper()} {path}: {response.status_code}")

    assert len(paths) > 25
    assert let_in == []


def test_every_guarded_router_carries_the_one_check() -> None:
    from web.routes import api, api_office, findings, head, it, moderation, specialist

    routers = [specialist.router, it.router, it.admin_router, head.router, head.home_router]
    routers += [findings.router, findings.office, findings.api, findings.api_office]
    routers += [api.router, api_office.office, api_office.admin, api_office.figures]
    routers += list(moderation.ROUTERS)
    unguarded = []

    for router in routers:
        checks = [d.dependency for d in router.dependencies if isinstance(d.dependency, Authorize)]
        for route in router.routes:
            if isinstance(route, APIRoute) and len(checks) != 1:
                unguarded.append(route.path)

    assert unguarded == []


def test_a_specialist_gets_403_on_another_organs_account(city: City, as_role) -> None:
    client = as_role("culture")

    own = client.get(f"/accounts/{city.account}")
    other = client.get(f"/accounts/{city.other_account}")
    other_form = client.get(f"/accounts/{city.other_account}/change")
    other_api = client.get(f"/accounts/{city.other_account}/change")

    assert own.status_code == 200
    assert other.status_code == other_form.status_code == other_api.status_code == 403
    assert "другого органа" in other.text


def test_a_specialist_cannot_write_to_another_organs_account(city: City, as_role) -> None:
    client = as_role("culture")
    page = client.get(f"/accounts/{city.account}").text

    response = client.post(
        f"/accounts/{city.other_account}/access",
        data={"person": "Чужой", "do": "grant", "csrf": csrf_of(page)},
    )

    assert response.status_code == 403


def test_a_specialists_account_list_shows_only_their_organ(city: City, as_role) -> None:
    page = as_role("culture").get(f"/accounts?organ={city.other_organ}").text

    assert "https://vk.com/kultura_test" in page
    assert "https://vk.com/sport_test" not in page


@pytest.mark.parametrize(
    ("login", "path", "status"),
    [
        ("culture", "/it/queue", 403),
        ("culture", "/figures", 403),
        ("head", "/it/queue", 403),
        ("head", "/notices/new", 403),
        ("head", "/figures", 200),
        ("it", "/it/users", 403),
        ("it", "/it/queue", 200),
        ("admin", "/it/users", 200),
        (None, "/accounts", 303),
        (None, "/it/queue", 303),
        (None, "/registry", 200),
        (None, "/healthz", 200),
    ],
)
def test_each_role_reaches_its_pages_only(
    as_role, login: str | None, path: str, status: int
) -> None:
    assert as_role(login).get(path).status_code == status


def test_a_post_without_the_csrf_token_is_refused_and_records_nothing(city: City, as_role) -> None:
    client = as_role("culture")
    with city.srok.transaction() as s:
        before = s.exec(select(func.count()).select_from(AuditEntry)).one()

    response = client.post(
        f"/accounts/{city.account}/access", data={"person": "Без токена", "do": "grant"}
    )
    forged = client.post(
        f"/accounts/{city.account}/access",
        data={"person": "Без токена", "do": "grant", "csrf": "forged"},
    )

    assert response.status_code == forged.status_code == 403
    with city.srok.transaction() as s:
        assert s.exec(select(func.count()).select_from(AuditEntry)).one() == before


def test_the_login_form_needs_its_csrf_token_too(as_role) -> None:
    client = as_role()
    client.get("/login")

    response = client.post("/login", data={"login": "culture", "password": PASSWORD})

    assert response.status_code == 403


def test_no_get_changes_anything(city: City, as_role) -> None:
    pages = {
        "admin": [
            "/",
            "/accounts",
            f"/accounts?organ={city.organ}",
            f"/accounts/{city.account}",
            f"/accounts/{city.account}/change",
            "/notices/new",
            "/it/queue",
            "/it/registry",
            "/it/publication",
            "/it/publication/preview",
            "/it/links",
            "/it/reminders",
            f"/it/accounts/{city.account}/audit",
            "/it/organs",
            "/it/users",
            "/figures",
            "/figures/report.html",
            "/figures/report.csv",
            "/registry",
            "/healthz",
            f"/api/v1/accounts/{city.account}",
        ],
    }
    client = as_role("admin")
    with city.srok.transaction() as s:
        before = s.exec(select(func.count()).select_from(AuditEntry)).one()

    statuses = {path: client.get(path).status_code for path in pages["admin"]}

    assert {p: c for p, c in statuses.items() if c >= 400 and not p.startswith("/api")} == {}
    with city.srok.transaction() as s:
        assert s.exec(select(func.count()).select_from(AuditEntry)).one() == before


def test_the_session_cookie_is_httponly_and_lax_and_ends_after_a_working_day(as_role) -> None:
    client = as_role()

    response = client.get("/login")

    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Max-Age=28800" in cookie


def test_the_cookie_is_secure_behind_https(city: City) -> None:
    from fastapi.testclient import TestClient

    city.ctx.web_url = "https://srok.example"
    client = TestClient(create_app(city.ctx))

    assert "Secure" in client.get("/login").headers["set-cookie"]


def test_a_forged_session_cookie_is_a_stranger(city: City, as_role) -> None:
    client = as_role("culture")
    value = client.cookies.get("srok_session")
    body, _, mac = value.partition(".")
    client.cookies.set("srok_session", body + "." + mac[::-1])

    assert client.get("/accounts").status_code == 303


def _try(client, login: str, password: str):  # type: ignore[no-untyped-def]
    page = client.get("/login").text
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf_of(page)})


def test_logins_are_limited_per_login(city: City, as_role) -> None:
    client = as_role()
    for _ in range(5):
        assert _try(client, "culture", "wrong password").status_code == 401

    held = _try(client, "culture", PASSWORD)

    assert held.status_code == 401
    assert "Слишком много неудачных попыток" in held.text
    assert _try(client, "sport", PASSWORD).status_code == 303  # another login is not held


def test_logins_are_limited_per_address(city: City, as_role) -> None:
    client = as_role()
    for n in range(20):
        _try(client, f"nobody{n}", "wrong password")

    held = _try(client, "sport", PASSWORD)

    assert held.status_code == 401
    with city.srok.transaction() as s:
        attempts = s.exec(select(func.count()).select_from(LoginAttempt)).one()
    assert attempts == 20  # a held try is not checked, so it is not counted either


def test_a_wrong_password_and_an_unknown_login_read_the_same(as_role) -> None:
    client = as_role()

    wrong = _try(client, "culture", "not the password")
    unknown = _try(client, "no-such-user", "not the password")

    assert wrong.status_code == unknown.status_code == 401
    assert "Неверный логин или пароль" in wrong.text and "Неверный логин или пароль" in unknown.text


def test_the_public_registry_needs_no_login_and_shows_no_personal_data(city: City, as_role) -> None:
    from services.events import record_notice, record_registry_entry

    with city.srok.transaction() as s:
        for step in (record_notice, record_registry_entry):
            kwargs = (
                {"received_on": None}
                if step is record_notice
                else {"rule": city.srok.settings.publication_rule}
            )
            step(
                session=s,
                calendar=city.srok.calendar,
                account_id=city.account,
                on=city.srok.today(),
                actor="t",
                today=city.srok.today(),
                **kwargs,
            )

    page = as_role().get("/registry")

    assert page.status_code == 200
    assert "https://vk.com/kultura_test" in page.text
    assert "Тестов" not in page.text and "example.invalid" not in page.text
