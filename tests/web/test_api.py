"""The JSON API mirrors the forms: same checks, 422 with field and clause, token auth."""

from __future__ import annotations

from sqlmodel import select

from models.tables import Event
from services.users import create_token
from tests.web.conftest import City

NOTICE = {
    "network": "telegram",
    "url": "https://t.me/kultura_api",
    "created_on": "2026-11-30",
    "specialists": [
        {
            "full_name": "Апи Анна",
            "position": "специалист",
            "phone": "+7 000 000-00-55",
            "email": "api@example.invalid",
        }
    ],
    "access": ["Апи А."],
}


def _token(city: City, login: str) -> dict[str, str]:
    with city.srok.transaction() as s:
        return {"Authorization": f"Bearer {create_token(session=s, login=login, actor='test')}"}


def test_a_script_files_a_notice_and_reads_the_account(city: City, as_role) -> None:
    client = as_role()
    headers = _token(city, "culture")

    created = client.post("/api/v1/notices", json=NOTICE, headers=headers)
    account = client.get(f"/api/v1/accounts/{created.json()['id']}", headers=headers)

    assert created.status_code == 201
    assert account.json()["url"] == "https://t.me/kultura_api"
    steps = {s["clause"]: s for s in account.json()["steps"]}
    assert steps["3.1"]["done"] == "2026-12-01"
    with city.srok.transaction() as s:
        (event,) = s.exec(select(Event).where(Event.kind == "notice_sent")).all()
    assert event.actor == "web:culture"


def test_bad_input_is_422_with_field_and_clause(city: City, as_role) -> None:
    headers = _token(city, "culture")
    bad = {**NOTICE, "created_on": "2027-02-01"}

    response = as_role().post("/api/v1/notices", json=bad, headers=headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "--created-on" or error["field"] == "created_on"
    assert error["clause"] == "3.1"


def test_a_missing_field_is_422_in_the_same_shape(city: City, as_role) -> None:
    headers = _token(city, "culture")

    response = as_role().post("/api/v1/notices", json={"network": "vk"}, headers=headers)

    assert response.status_code == 422
    assert set(response.json()["error"]) == {"field", "clause", "message"}


def test_no_token_is_401_and_another_organ_is_403(city: City, as_role) -> None:
    client = as_role()

    anonymous = client.get(f"/api/v1/accounts/{city.account}")
    forged = client.get(f"/api/v1/accounts/{city.account}", headers={"Authorization": "Bearer x"})
    other = client.get(f"/api/v1/accounts/{city.other_account}", headers=_token(city, "culture"))

    assert anonymous.status_code == forged.status_code == 401
    assert other.status_code == 403


def test_the_session_cookie_does_not_open_the_api(city: City, as_role) -> None:
    assert as_role("culture").get(f"/api/v1/accounts/{city.account}").status_code == 401


def test_the_api_is_documented(as_role) -> None:
    schema = as_role().get("/api/openapi.json").json()

    assert "/api/v1/notices" in schema["paths"]
    assert "/api/v1/accounts/{account_id}" in schema["paths"]
    assert as_role().get("/api/docs").status_code == 200


def test_an_address_naming_no_account_is_404_and_a_body_naming_none_is_422(
    city: City, as_role
) -> None:
    headers = _token(city, "it")
    client = as_role()

    missing = client.get("/api/v1/accounts/999999", headers=headers)
    page = as_role("it").get("/accounts/999999")
    bad_body = client.post(
        "/api/v1/specialists",
        json={
            "organ_id": 999999,
            "full_name": "Нет Органа",
            "position": "специалист",
            "phone": "+7 000 000-00-56",
            "email": "none@example.invalid",
        },
        headers=headers,
    )

    assert missing.status_code == 404
    assert missing.json()["error"]["field"] == "account"
    assert page.status_code == 404
    assert bad_body.status_code == 422
