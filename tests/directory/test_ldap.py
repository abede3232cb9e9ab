"""Logging in against a real slapd with an AD-like tree (tests/ldap_server.py)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest

from directory.ldap import (
    DirectoryUnavailable,
    DirectoryUser,
    LdapDirectory,
    LdapSettings,
    role_for,
)
from tests.ldap_server import GROUPS, PEOPLE, SERVICE_PASSWORD, Slapd


def directory(slapd: Slapd, **overrides: str) -> tuple[LdapDirectory, LdapSettings]:
    settings = LdapSettings.from_env(slapd.env(**overrides))
    return LdapDirectory(settings), settings


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


def test_the_right_password_gives_the_user_with_mail_name_groups_and_role(slapd: Slapd) -> None:
    ldap, settings = directory(slapd)

    user = ldap.authenticate("ivanova", PEOPLE["ivanova"].password)

    assert user == DirectoryUser(
        login="ivanova",
        mail="ivanova@novoaltaisk.test",
        display_name="Иванова Мария Петровна",
        groups=frozenset({GROUPS["specialist"]}),
    )
    assert role_for(user, settings) == "specialist"


def test_the_login_is_case_insensitive_and_comes_back_as_the_directory_spells_it(
    slapd: Slapd,
) -> None:
    ldap, _ = directory(slapd)

    user = ldap.authenticate("  IVANOVA ", PEOPLE["ivanova"].password)

    assert user is not None and user.login == "ivanova"


@pytest.mark.parametrize(
    ("login", "role"), [("petrov", "it"), ("sidorov", "admin"), ("zamglavy", "head")]
)
def test_a_member_of_several_srok_groups_gets_the_strongest_role(
    slapd: Slapd, login: str, role: str
) -> None:
    ldap, settings = directory(slapd)

    user = ldap.authenticate(login, PEOPLE[login].password)

    assert user is not None and role_for(user, settings) == role


def test_a_user_without_mail_logs_in_with_mail_none(slapd: Slapd) -> None:
    ldap, _ = directory(slapd)

    user = ldap.authenticate("zamglavy", PEOPLE["zamglavy"].password)

    assert user is not None and user.mail is None and user.display_name == "Заместитель Главы"


def test_a_wrong_password_gives_none(slapd: Slapd) -> None:
    ldap, _ = directory(slapd)

    assert ldap.authenticate("ivanova", "Неверный пароль") is None
    assert ldap.authenticate("ivanova", PEOPLE["petrov"].password) is None


def test_an_unknown_user_gives_none(slapd: Slapd) -> None:
    ldap, _ = directory(slapd)

    assert ldap.authenticate("nobody", PEOPLE["ivanova"].password) is None


def test_a_user_in_no_srok_group_is_known_but_has_no_role(slapd: Slapd) -> None:
    ldap, settings = directory(slapd)

    user = ldap.authenticate("buhgalter", PEOPLE["buhgalter"].password)

    assert user is not None and user.groups == {GROUPS["accounting"]}
    assert role_for(user, settings) is None


@pytest.mark.parametrize(
    "login",
    ["*)(uid=*", "*", "ivanov*", "*anova", "ivanova)(|(sAMAccountName=*", "ivanova\\", "iv\0anova"],
)
def test_filter_metacharacters_in_the_login_match_nobody(slapd: Slapd, login: str) -> None:
    ldap, _ = directory(slapd)

    assert ldap.authenticate(login, PEOPLE["ivanova"].password) is None


def test_a_login_with_filter_metacharacters_of_its_own_is_found_exactly(slapd: Slapd) -> None:
    ldap, _ = directory(slapd)

    user = ldap.authenticate("o(neil)*", PEOPLE["o(neil)*"].password)

    assert user is not None and user.login == "o(neil)*"
    assert ldap.authenticate("o(neil)", PEOPLE["o(neil)*"].password) is None


def test_an_injected_filter_in_a_custom_user_filter_matches_nobody(slapd: Slapd) -> None:
    ldap, _ = directory(
        slapd, SROK_LDAP_USER_FILTER="(&(objectClass=inetOrgPerson)(sAMAccountName={login}))"
    )

    assert ldap.authenticate("ivanova", PEOPLE["ivanova"].password) is not None
    assert ldap.authenticate("*))(|(objectClass=*", PEOPLE["ivanova"].password) is None


def test_an_empty_password_is_refused_before_anything_is_sent(
    slapd: Slapd, closed_port: int
) -> None:
    ldap, _ = directory(slapd)
    offline, _ = directory(slapd, SROK_LDAP_URL=f"ldap://127.0.0.1:{closed_port}")

    assert ldap.authenticate("ivanova", "") is None
    assert offline.authenticate("ivanova", "") is None  # no connection tried, so no error
    assert offline.authenticate("", "x") is None


def test_a_directory_that_is_down_is_unavailable_with_a_russian_message(
    slapd: Slapd, closed_port: int
) -> None:
    url = f"ldap://127.0.0.1:{closed_port}"
    ldap, _ = directory(slapd, SROK_LDAP_URL=url)

    with pytest.raises(DirectoryUnavailable) as error:
        ldap.authenticate("ivanova", PEOPLE["ivanova"].password)

    assert str(error.value) == (
        f"Каталог пользователей (Active Directory) недоступен ({url}): соединение отклонено. "
        "Вход через каталог временно невозможен; обратитесь в ИТ-отдел."
    )


def test_a_directory_that_never_answers_gives_up_after_the_timeout(
    slapd: Slapd, silent_port: int
) -> None:
    ldap, _ = directory(
        slapd, SROK_LDAP_URL=f"ldap://127.0.0.1:{silent_port}", SROK_LDAP_TIMEOUT="1"
    )
    started = time.monotonic()

    with pytest.raises(DirectoryUnavailable, match="нет ответа за 1 с"):
        ldap.authenticate("ivanova", PEOPLE["ivanova"].password)

    assert time.monotonic() - started < 5


def test_the_next_server_is_tried_when_the_first_is_down(slapd: Slapd, closed_port: int) -> None:
    ldap, _ = directory(slapd, SROK_LDAP_URL=f"ldap://127.0.0.1:{closed_port} {slapd.url}")

    assert ldap.authenticate("ivanova", PEOPLE["ivanova"].password) is not None


def test_a_wrong_search_account_password_makes_the_directory_unavailable(slapd: Slapd) -> None:
    ldap, _ = directory(slapd, SROK_LDAP_BIND_PASSWORD="not-the-service-password")

    with pytest.raises(
        DirectoryUnavailable, match="отклонил сервисную учётную запись SROK_LDAP_BIND_DN"
    ):
        ldap.authenticate("ivanova", PEOPLE["ivanova"].password)


def test_ldaps_with_the_right_ca_logs_in(slapd: Slapd) -> None:
    ldap, _ = directory(slapd, SROK_LDAP_URL=slapd.ldaps_url)

    assert ldap.authenticate("ivanova", PEOPLE["ivanova"].password) is not None


@pytest.mark.parametrize("scheme", ["ldap", "ldaps"])
def test_a_certificate_from_another_ca_is_refused_before_any_password_is_sent(
    slapd: Slapd, scheme: str
) -> None:
    url = slapd.url if scheme == "ldap" else slapd.ldaps_url
    ldap, _ = directory(slapd, SROK_LDAP_URL=url, SROK_LDAP_CA_BUNDLE=str(slapd.other_ca_file))

    with pytest.raises(DirectoryUnavailable, match="сертификат сервера не принят"):
        ldap.authenticate("ivanova", PEOPLE["ivanova"].password)


@pytest.mark.parametrize("scheme", ["ldap", "ldaps"])
def test_a_certificate_for_another_host_name_is_refused(slapd: Slapd, scheme: str) -> None:
    port = slapd.port if scheme == "ldap" else slapd.ldaps_port
    ldap, _ = directory(slapd, SROK_LDAP_URL=f"{scheme}://localhost:{port}")  # made for 127.0.0.1

    with pytest.raises(DirectoryUnavailable, match="сертификат сервера не принят"):
        ldap.authenticate("ivanova", PEOPLE["ivanova"].password)


def test_without_starttls_a_plain_connection_still_logs_in(slapd: Slapd) -> None:
    ldap, _ = directory(slapd, SROK_LDAP_STARTTLS="no")

    assert ldap.authenticate("ivanova", PEOPLE["ivanova"].password) is not None


def test_no_password_reaches_the_logs_or_the_error_texts(
    slapd: Slapd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = PEOPLE["ivanova"].password
    ldap, settings = directory(slapd)
    broken, _ = directory(slapd, SROK_LDAP_BIND_PASSWORD="wrong-" + SERVICE_PASSWORD)

    ldap.authenticate("ivanova", password)
    ldap.authenticate("ivanova", password + "x")
    with pytest.raises(DirectoryUnavailable) as error:
        broken.authenticate("ivanova", password)

    said = caplog.text + str(error.value) + repr(settings) + repr(broken.settings)
    assert caplog.records  # something was logged, and none of it is a secret
    for secret in (password, password + "x", SERVICE_PASSWORD):
        assert secret not in said
