"""The JSON API of every form: role boundaries, 422 with field and clause, once per key."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from sqlmodel import func, select

from models.tables import AuditEntry, Event, Organ, Publication, Specialist, Step, WebUser
from services.users import create_token
from tests.web.conftest import City, register_site_page
from tests.web.test_api import NOTICE

# (method, path, body, the roles let in); {a} is the culture committee's account.
ACCOUNT_SIDE = {"culture", "it", "admin"}
OFFICE = {"it", "admin"}
ENDPOINTS = [
    ("GET", "/api/v1/accounts/{a}", None, ACCOUNT_SIDE),
    ("POST", "/api/v1/notices", {}, ACCOUNT_SIDE),
    ("POST", "/api/v1/accounts/{a}/changes", {}, ACCOUNT_SIDE),
    ("POST", "/api/v1/accounts/{a}/link", {}, ACCOUNT_SIDE),
    ("POST", "/api/v1/accounts/{a}/access", {}, ACCOUNT_SIDE),
    ("GET", "/api/v1/queue", None, OFFICE),
    ("POST", "/api/v1/accounts/{a}/registry-entry", None, OFFICE),
    ("GET", "/api/v1/organs", None, OFFICE),
    ("POST", "/api/v1/organs", {}, OFFICE),
    ("GET", "/api/v1/specialists", None, OFFICE),
    ("POST", "/api/v1/specialists", {}, OFFICE),
    ("GET", "/api/v1/users", None, {"admin"}),
    ("POST", "/api/v1/users", {}, {"admin"}),
    ("GET", "/api/v1/publication", None, OFFICE),
    ("POST", "/api/v1/publication", {}, OFFICE),
    ("GET", "/api/v1/link-checks", None, OFFICE),
    ("POST", "/api/v1/link-checks", None, OFFICE),
    ("GET", "/api/v1/reminders", None, OFFICE),
    ("POST", "/api/v1/reminders/retry", None, OFFICE),
    ("GET", "/api/v1/figures", None, {"head", "it", "admin"}),
    ("GET", "/api/v1/findings", None, ACCOUNT_SIDE),
    ("POST", "/api/v1/unnotified/1/dismiss", {}, OFFICE),
    ("POST", "/api/v1/required", {}, OFFICE),
]
ROLES = ("culture", "sport", "it", "head", "admin")


def token(city: City, login: str) -> dict[str, str]:
    with city.srok.transaction() as s:
        return {"Authorization": f"Bearer {create_token(session=s, login=login, actor='test')}"}


def _count(city: City, model: type, *where: object) -> int:
    with city.srok.transaction() as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[arg-type]


@pytest.mark.parametrize("login", ROLES)
def test_every_endpoint_lets_in_its_roles_and_turns_the_others_away_with_403(
    city: City, as_role, login: str
) -> None:
    client = as_role()
    headers = token(city, login)
    wrong = []

    for method, path, body, allowed in ENDPOINTS:
        url = path.format(a=city.account)
        response = client.request(method, url, json=body, headers=headers)
        # The sport committee's specialist is a specialist too: let in where the
        # culture committee is, but never to the culture committee's account.
        let_in = login in allowed or (
            login == "sport" and allowed is ACCOUNT_SIDE and "{a}" not in path
        )
        if (response.status_code == 403) == let_in or response.status_code == 401:
            wrong.append(f"{method} {path}: {response.status_code}")

    assert wrong == []


def test_the_openapi_page_lists_every_endpoint(as_role) -> None:
    paths = as_role().get("/api/openapi.json").json()["paths"]

    listed = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    expected = {
        (m, p.replace("{a}", "{account_id}").replace("/1/", "/{finding_id}/"))
        for m, p, _, _ in ENDPOINTS
    }
    assert expected <= listed
    assert ("GET", "/api/v1/registry") in listed


def test_the_it_department_enters_a_notice_from_the_queue_once(city: City, as_role) -> None:
    client = as_role()
    filed = client.post("/api/v1/notices", json=NOTICE, headers=token(city, "culture")).json()
    it = token(city, "it") | {"Idempotency-Key": "enter-1"}

    queue = client.get("/api/v1/queue", headers=it).json()
    first = client.post(f"/api/v1/accounts/{filed['id']}/registry-entry", headers=it)
    second = client.post(f"/api/v1/accounts/{filed['id']}/registry-entry", headers=it)
    after = client.get("/api/v1/queue", headers=it).json()

    assert filed["id"] in [row["account_id"] for row in queue]
    assert first.status_code == 200 and first.json()["entered_on"] == "2026-12-01"
    assert second.status_code == 200 and second.json() == {
        "repeated": True,
        "location": f"/api/v1/accounts/{filed['id']}",
    }
    assert filed["id"] not in [row["account_id"] for row in after]
    assert _count(city, Event, Event.kind == "registry_entered") == 1
    assert _count(city, AuditEntry, AuditEntry.actor == "web:it") >= 1


def test_a_notice_sent_twice_with_one_key_creates_one_account(city: City, as_role) -> None:
    client = as_role()
    headers = token(city, "culture") | {"Idempotency-Key": "notice-42"}

    first = client.post("/api/v1/notices", json=NOTICE, headers=headers)
    second = client.post("/api/v1/notices", json=NOTICE, headers=headers)

    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["location"] == f"/api/v1/accounts/{first.json()['id']}"
    assert _count(city, Event, Event.kind == "notice_sent") == 1


def test_one_key_of_two_users_are_two_submissions(city: City, as_role) -> None:
    client = as_role()
    key = {"Idempotency-Key": "same"}
    organ = {"name": "Отдел по делам молодёжи"}

    mine = client.post("/api/v1/organs", json=organ, headers=token(city, "it") | key)
    theirs = client.post("/api/v1/organs", json=organ, headers=token(city, "admin") | key)

    assert mine.status_code == 201
    assert theirs.status_code == 422  # recorded anew, and refused: the name is taken
    assert theirs.json()["error"]["field"] == "name"


def test_a_bad_body_writes_nothing_and_names_the_field_and_the_clause(city: City, as_role) -> None:
    client = as_role()
    it, culture = token(city, "it"), token(city, "culture")
    audit_before = _count(city, AuditEntry)

    organ = client.post(
        "/api/v1/organs", json={"name": "Отдел", "site_page": "не адрес"}, headers=it
    )
    person = client.post(
        "/api/v1/specialists",
        json={"organ": city.organ, "name": "Ив", "position": "п", "phone": "1", "email": "нет"},
        headers=it,
    )
    quarter = client.post("/api/v1/publication", json={"quarter": "2026Q9"}, headers=it)
    state = client.get("/api/v1/reminders?state=lost", headers=it)
    access = client.post(
        f"/api/v1/accounts/{city.account}/access",
        json={"person": "", "do": "grant"},
        headers=culture,
    )

    assert organ.status_code == 422 and organ.json()["error"]["clause"] == "1.4"
    assert person.status_code == 422 and person.json()["error"]["field"] == "email"
    assert quarter.status_code == 422 and quarter.json()["error"]["clause"] == "3.5"
    assert state.status_code == 422 and state.json()["error"]["field"] == "state"
    assert access.status_code == 422 and access.json()["error"] == {
        "field": "person",
        "clause": "1.6",
        "message": "ФИО: не заполнено",
    }
    assert _count(city, Organ, Organ.name == "Отдел") == 0  # the organ rolled back with its page
    assert _count(city, AuditEntry) == audit_before


def test_organs_and_specialists_are_listed_and_created(city: City, as_role) -> None:
    client = as_role()
    it = token(city, "it")

    organ = client.post(
        "/api/v1/organs",
        json={"name": "Отдел по делам молодёжи", "site_page": "https://novoaltaysk.ru/molodezh"},
        headers=it,
    ).json()
    person = client.post(
        "/api/v1/specialists",
        json={
            "organ": organ["id"],
            "name": "Молодёжная Мария",
            "position": "специалист",
            "phone": "+7 000 000-00-12",
            "email": "mm@example.invalid",
        },
        headers=it,
    )
    organs = client.get("/api/v1/organs", headers=it).json()
    people = client.get(f"/api/v1/specialists?organ={organ['id']}", headers=it).json()

    assert organ["site_page"] == "https://novoaltaysk.ru/molodezh"
    assert person.status_code == 201
    assert organ["id"] in [o["id"] for o in organs]
    assert [p["full_name"] for p in people] == ["Молодёжная Мария"]
    assert _count(city, Specialist, Specialist.organ_id == organ["id"]) == 1


def test_the_administrator_adds_a_user_and_no_hash_is_ever_shown(city: City, as_role) -> None:
    client = as_role()
    admin = token(city, "admin")

    short = client.post(
        "/api/v1/users", json={"login": "x", "role": "it", "password": "short"}, headers=admin
    )
    added = client.post(
        "/api/v1/users",
        json={"login": "new-it", "role": "it", "password": "достаточно-длинный"},
        headers=admin,
    )
    users = client.get("/api/v1/users", headers=admin)

    assert short.status_code == 422 and short.json()["error"]["field"] == "password"
    assert added.status_code == 201 and added.json()["login"] == "new-it"
    assert "new-it" in [u["login"] for u in users.json()]
    assert "argon2" not in users.text and "hash" not in users.text
    assert _count(city, WebUser, WebUser.login == "x") == 0


def test_publication_previews_then_publishes_once(city: City, as_role) -> None:
    client = as_role()
    it = token(city, "it") | {"Idempotency-Key": "publish-2026Q4"}
    # 2026Q4 is published once it has ended (п. 3.5): on 20.01.2027.
    city.srok.settings = dataclasses.replace(city.srok.settings, today_override=date(2027, 1, 20))

    preview = client.get("/api/v1/publication?quarter=2026Q4", headers=it).json()
    first = client.post("/api/v1/publication", json={"quarter": "2026Q4"}, headers=it)
    second = client.post("/api/v1/publication", json={"quarter": "2026Q4"}, headers=it)

    assert preview["quarter"] == "2026Q4" and preview["due"] in ("2027-01-25", "2027-01-26")
    assert "index.html" in preview["files"]
    assert first.status_code == 200, first.text
    assert first.json()["recorded"] is True
    assert second.json()["repeated"] is True
    written = (city.srok.settings.home / "public" / "current" / "index.html").read_text()
    assert written.split("<footer>")[0] == preview["index_html"].split("</main>")[0]
    assert _count(city, Publication) == 1


def test_a_specialist_reports_the_link_and_the_it_department_sees_the_look(
    city: City, as_role, city_site
) -> None:
    city_site.pages["/kultura-ok"] = '<a href="https://vk.com/kultura_test">ВКонтакте</a>'
    register_site_page(city, city_site.url("/kultura"))
    client = as_role()
    culture, it = token(city, "culture"), token(city, "it")

    missing = client.post(
        f"/api/v1/accounts/{city.account}/link",
        json={"page": city_site.url("/empty")},
        headers=culture,
    ).json()
    found = client.post(
        f"/api/v1/accounts/{city.account}/link",
        json={"page": city_site.url("/kultura-ok")},
        headers=culture,
    ).json()
    looks = client.get("/api/v1/link-checks", headers=it).json()
    run = client.post("/api/v1/link-checks", headers=it)

    assert missing["found"] is False and found["found"] is True
    assert {c["found"] for c in looks if c["account_id"] == city.account} == {True, False}
    assert run.status_code == 200 and run.json()["closed"] == 0
    with city.srok.transaction() as s:
        step = s.exec(
            select(Step).where(Step.account_id == city.account, Step.clause == "1.4")
        ).one()
    assert step.done_on is not None


def test_reminders_are_listed_by_state_and_retried(city: City, as_role) -> None:
    client = as_role()
    it = token(city, "it")

    everything = client.get("/api/v1/reminders", headers=it)
    failed = client.get("/api/v1/reminders?state=failed", headers=it)
    retried = client.post("/api/v1/reminders/retry", headers=it)

    assert everything.status_code == failed.status_code == 200
    assert failed.json() == []
    assert retried.status_code == 200 and retried.json() == {"requeued": []}


def test_the_head_reads_the_figures_as_json(city: City, as_role) -> None:
    figures = as_role().get("/api/v1/figures?quarter=2026Q4", headers=token(city, "head"))
    bad = as_role().get("/api/v1/figures?quarter=весна", headers=token(city, "head"))

    assert figures.status_code == 200 and "Комитет по культуре" in figures.json()["totals"]
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "quarter"


def test_the_public_registry_is_json_without_login_and_without_personal_data(
    city: City, as_role
) -> None:
    client = as_role()
    filed = client.post("/api/v1/notices", json=NOTICE, headers=token(city, "culture")).json()
    client.post(f"/api/v1/accounts/{filed['id']}/registry-entry", headers=token(city, "it"))

    registry = client.get("/api/v1/registry")

    assert registry.status_code == 200
    assert "https://t.me/kultura_api" in registry.text
    assert not re.search(r"@|\+7|Апи Анна", registry.text)
