"""SROK_AUTH=ldap: the directory vouches for people; a local admin still gets in when it is down."""

from __future__ import annotations

from sqlmodel import select

from models.tables import WebUser
from tests.web.conftest import PASSWORD, City, FakeDirectory, client_for, csrf_of


def _login(client, login: str, password: str):  # type: ignore[no-untyped-def]
    page = client.get("/login").text
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf_of(page)})


def _with_directory(city: City) -> FakeDirectory:
    directory = FakeDirectory()
    directory.people["ivanova"] = ("domain-pass", "TEST1@example.invalid", "specialist")
    directory.people["it-boss"] = ("domain-pass", "boss@example.invalid", "it")
    directory.people["stranger"] = ("domain-pass", "s@example.invalid", None)
    city.ctx.directory = directory
    return directory


def test_a_specialist_is_matched_to_their_row_by_mail(city: City) -> None:
    _with_directory(city)
    client = client_for(city)

    response = _login(client, "ivanova", "domain-pass")

    assert response.status_code == 303
    assert client.get(f"/accounts/{city.account}").status_code == 200
    assert client.get(f"/accounts/{city.other_account}").status_code == 403
    with city.srok.transaction() as s:
        user = s.exec(select(WebUser).where(WebUser.login == "ivanova")).one()
    assert (user.role, user.organ_id, user.password_hash) == ("specialist", city.organ, None)


def test_a_wrong_password_an_unknown_user_and_no_group_are_refused(city: City) -> None:
    _with_directory(city)
    client = client_for(city)

    wrong = _login(client, "ivanova", "nope")
    unknown = _login(client, "nobody", "domain-pass")
    no_group = _login(client, "stranger", "domain-pass")

    assert wrong.status_code == unknown.status_code == no_group.status_code == 401
    assert "ни в одну группу srok" in no_group.text


def test_a_directory_that_is_down_says_so_and_a_local_admin_still_logs_in(city: City) -> None:
    _with_directory(city).down = True
    client = client_for(city)

    domain_user = _login(client, "ivanova", "domain-pass")
    local_specialist = _login(client, "culture", PASSWORD)
    admin = _login(client, "admin", PASSWORD)

    assert domain_user.status_code == 401 and "недоступна" in domain_user.text
    assert local_specialist.status_code == 401  # with a directory, only admins log in locally
    assert admin.status_code == 303
