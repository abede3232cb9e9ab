"""SROK_AUTH=ldap: the directory vouches for people; a local admin still gets in when it is down."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from ldap3 import MODIFY_ADD, MODIFY_DELETE, Connection, Server
from sqlmodel import select

from models.tables import AuditEntry, LoginAttempt, WebUser
from services.accounts import add_specialist
from tests.ldap_server import GROUPS, PEOPLE, ROOT_DN, ROOT_PASSWORD, Person, Slapd
from tests.web.conftest import PASSWORD, SECRET, City, FakeDirectory, client_for, csrf_of
from web.app import create_app
from web.context import WebContext


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


# End to end: the web /login against a real directory (Debian's slapd on loopback,
# tests/ldap_server.py), wired as an installation is, from SROK_AUTH=ldap and SROK_LDAP_*.


KULTURA = Person(
    "kultura-web",
    "Культура-пароль-9",
    "Культурова Вера Павловна",
    "Kultura.Web@example.invalid",  # srok refuses .test addresses for specialists
    ("specialist",),
)


@pytest.fixture
def kultura_in_directory(slapd: Slapd) -> Iterator[Person]:
    """A culture specialist in the running directory, in the srok specialists' group."""
    conn = Connection(
        Server("127.0.0.1", port=slapd.port), user=ROOT_DN, password=ROOT_PASSWORD, auto_bind=True
    )
    attrs = {
        "sn": "Культурова",
        "displayName": KULTURA.name,
        "sAMAccountName": KULTURA.login,
        "userPassword": KULTURA.password,
        "mail": KULTURA.mail,
    }
    assert conn.add(KULTURA.dn, ["inetOrgPerson", "srokTestAdUser"], attrs), conn.result
    assert conn.modify(GROUPS["specialist"], {"member": [(MODIFY_ADD, [KULTURA.dn])]})
    try:
        yield KULTURA
    finally:
        conn.modify(GROUPS["specialist"], {"member": [(MODIFY_DELETE, [KULTURA.dn])]})
        conn.delete(KULTURA.dn)
        conn.unbind()


def _against_slapd(city: City, slapd: Slapd, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The app as `srok web` builds it with SROK_AUTH=ldap; KULTURA is a culture specialist."""
    for name, value in {**slapd.env(), "SROK_AUTH": "ldap"}.items():
        monkeypatch.setenv(name, value)
    with city.srok.transaction() as s:
        add_specialist(
            session=s,
            organ_id=city.organ,
            name=KULTURA.name,
            position="главный специалист",
            phone="+7 000 000-00-31",
            email=(KULTURA.mail or "").lower(),  # the directory's mail, spelt otherwise
            actor="test",
            today=city.srok.today(),
        )
    ctx = WebContext.from_env(city.srok, secret=SECRET)
    assert ctx.directory is not None  # SROK_AUTH=ldap built the real directory
    return TestClient(create_app(ctx), follow_redirects=False)


def test_a_specialist_logs_in_with_domain_credentials_against_slapd_and_gets_their_organ(
    city: City, slapd: Slapd, monkeypatch: pytest.MonkeyPatch, kultura_in_directory: Person
) -> None:
    client = _against_slapd(city, slapd, monkeypatch)

    response = _login(client, KULTURA.login, KULTURA.password)

    assert response.status_code == 303 and response.headers["location"] == "/accounts"
    assert client.get(f"/accounts/{city.account}").status_code == 200
    assert client.get(f"/accounts/{city.other_account}").status_code == 403
    assert client.get("/it/queue").status_code == 403
    with city.srok.transaction() as s:
        user = s.exec(select(WebUser).where(WebUser.login == KULTURA.login)).one()
    assert (user.role, user.organ_id, user.source, user.password_hash) == (
        "specialist",
        city.organ,
        "ldap",
        None,
    )


@pytest.mark.parametrize(("login", "home"), [("zamglavy", "/figures"), ("sidorov", "/it/queue")])
def test_the_role_comes_from_the_directory_groups(
    city: City, slapd: Slapd, monkeypatch: pytest.MonkeyPatch, login: str, home: str
) -> None:
    client = _against_slapd(city, slapd, monkeypatch)

    response = _login(client, login, PEOPLE[login].password)

    assert response.status_code == 303 and response.headers["location"] == home
    assert client.get(home).status_code == 200


def test_wrong_domain_passwords_are_refused_counted_and_then_held_without_a_password_logged(
    city: City,
    slapd: Slapd,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ldap3's and uvicorn's included
    client = _against_slapd(city, slapd, monkeypatch)
    right = PEOPLE["ivanova"].password
    wrong = [f"неверный-пароль-{n}" for n in range(5)]

    refused = [_login(client, "ivanova", password) for password in wrong]
    held = _login(client, "ivanova", right)  # the right one, after five wrong: held

    assert [r.status_code for r in refused] == [401] * 5
    assert "Неверный логин или пароль" in refused[0].text
    assert held.status_code == 401 and "Слишком много неудачных попыток" in held.text
    with city.srok.transaction() as s:
        attempts = s.exec(select(LoginAttempt).where(LoginAttempt.login == "ivanova")).all()
        stored = " ".join(
            str(row)
            for model in (LoginAttempt, AuditEntry, WebUser)
            for row in s.exec(select(model))
        )
    assert [a.ok for a in attempts] == [False] * 5  # the held try is not checked, nor counted
    printed = caplog.text + "".join(capfd.readouterr())
    for password in [right, *wrong]:
        assert password not in printed
        assert password not in stored
        assert password not in held.text
