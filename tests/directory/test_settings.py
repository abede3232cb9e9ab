"""SROK_LDAP_* read and checked, and roles from groups: no server needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.ldap import DirectoryUser, LdapSettings, escape_filter_value, role_for
from domain.errors import RuleViolation

BASE = "dc=city,dc=local"
ENV = {
    "SROK_LDAP_URL": "ldaps://dc1.city.local",
    "SROK_LDAP_BASE_DN": BASE,
    "SROK_LDAP_BIND_DN": f"cn=srok-svc,ou=service,{BASE}",
    "SROK_LDAP_BIND_PASSWORD": "s3cret",
    "SROK_LDAP_GROUP_ADMIN": f"CN=srok-admins,OU=Groups,{BASE}",
    "SROK_LDAP_GROUP_SPECIALIST": f"cn=srok-specialists,ou=groups,{BASE}",
}


def settings(**changes: str | None) -> LdapSettings:
    env = dict(ENV)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return LdapSettings.from_env(env)


def test_defaults_search_by_samaccountname_over_tls_with_five_seconds() -> None:
    s = settings()

    assert s.urls == ("ldaps://dc1.city.local",)
    assert s.user_filter == "(sAMAccountName={login})"
    assert (s.timeout, s.start_tls, s.ca_bundle, s.group_it, s.group_head) == (
        5.0,
        True,
        None,
        None,
        None,
    )
    assert "s3cret" not in repr(s)


def test_several_servers_may_be_listed_for_failover() -> None:
    s = settings(SROK_LDAP_URL="ldaps://dc1.city.local, ldap://dc2.city.local:3268")

    assert s.urls == ("ldaps://dc1.city.local", "ldap://dc2.city.local:3268")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SROK_LDAP_URL", None),
        ("SROK_LDAP_URL", "http://dc1.city.local"),
        ("SROK_LDAP_URL", "ldap://dc1.city.local:port"),
        ("SROK_LDAP_BASE_DN", None),
        ("SROK_LDAP_BASE_DN", "city.local"),
        ("SROK_LDAP_BIND_DN", " "),
        ("SROK_LDAP_BIND_PASSWORD", None),
        ("SROK_LDAP_USER_FILTER", "(sAMAccountName=ivanova)"),
        ("SROK_LDAP_USER_FILTER", "(&(sAMAccountName={login})"),
        ("SROK_LDAP_GROUP_SPECIALIST", "srok-specialists"),
        ("SROK_LDAP_CA_BUNDLE", "/nonexistent/ca.pem"),
        ("SROK_LDAP_TIMEOUT", "soon"),
        ("SROK_LDAP_TIMEOUT", "0"),
        ("SROK_LDAP_STARTTLS", "maybe"),
    ],
)
def test_a_missing_or_malformed_value_names_its_variable(name: str, value: str | None) -> None:
    with pytest.raises(RuleViolation) as error:
        settings(**{name: value})

    assert error.value.field == name


def test_without_any_role_group_nobody_could_log_in_so_it_is_refused() -> None:
    with pytest.raises(RuleViolation, match="ни одна группа") as error:
        settings(SROK_LDAP_GROUP_ADMIN=None, SROK_LDAP_GROUP_SPECIALIST=None)

    assert error.value.field == "SROK_LDAP_GROUP_ADMIN"


def test_the_search_password_may_come_from_a_file_without_its_newline(tmp_path: Path) -> None:
    secret = tmp_path / "bind-password"
    secret.write_text("из файла\n", encoding="utf-8")

    s = settings(SROK_LDAP_BIND_PASSWORD=None, SROK_LDAP_BIND_PASSWORD_FILE=str(secret))

    assert s.bind_password == "из файла"
    with pytest.raises(RuleViolation) as both:
        settings(SROK_LDAP_BIND_PASSWORD_FILE=str(secret))
    assert both.value.field == "SROK_LDAP_BIND_PASSWORD_FILE"


def test_an_unreadable_password_file_is_named_but_not_read_out(tmp_path: Path) -> None:
    with pytest.raises(RuleViolation) as error:
        settings(SROK_LDAP_BIND_PASSWORD=None, SROK_LDAP_BIND_PASSWORD_FILE=str(tmp_path / "no"))

    assert error.value.field == "SROK_LDAP_BIND_PASSWORD_FILE"


def user(*groups: str) -> DirectoryUser:
    return DirectoryUser(login="u", mail=None, display_name="U", groups=frozenset(groups))


def test_roles_come_strongest_first_and_dns_compare_without_case_or_spaces() -> None:
    s = settings(SROK_LDAP_GROUP_IT=f"cn=srok-it,ou=groups,{BASE}")

    assert role_for(user(f"cn=srok-specialists, ou=groups, {BASE}"), s) == "specialist"
    assert (
        role_for(
            user("CN=SROK-IT,OU=Groups,DC=City,DC=Local", f"cn=srok-specialists,ou=groups,{BASE}"),
            s,
        )
        == "it"
    )
    assert (
        role_for(user(f"cn=srok-admins,ou=groups,{BASE}", f"cn=srok-it,ou=groups,{BASE}"), s)
        == "admin"
    )


def test_a_user_in_other_groups_only_or_in_an_unset_role_has_no_role() -> None:
    s = settings()

    assert role_for(user(), s) is None
    assert role_for(user(f"cn=accounting,ou=groups,{BASE}"), s) is None
    assert role_for(user(f"cn=srok-head,ou=groups,{BASE}"), s) is None  # head's group unset


def test_filter_values_are_escaped_as_rfc_4515_says() -> None:
    assert escape_filter_value("*)(uid=*") == r"\2a\29\28uid=\2a"
    assert escape_filter_value("a\\b\0") == r"a\5cb\00"
    assert escape_filter_value("Иванова") == "Иванова"
