"""How srok reaches the directory: SROK_LDAP_* read from the environment and checked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ldap3.core.exceptions import LDAPException
from ldap3.operation.search import parse_filter
from ldap3.utils.dn import parse_dn

from domain.errors import RuleViolation

DEFAULT_USER_FILTER = "(sAMAccountName={login})"
DEFAULT_TIMEOUT = 5.0
ROLES = ("admin", "it", "head", "specialist")  # strongest first
YES, NO = ("yes", "true", "1", "on"), ("no", "false", "0", "off")


@dataclass(frozen=True)
class LdapSettings:
    """One directory: its servers, where users live, the search account, and the role groups.

    ``ldap://`` servers are spoken to over StartTLS unless ``start_tls`` is off;
    ``ldaps://`` ones over TLS from the first byte. Certificates are checked against
    ``ca_bundle`` (else the system's authorities) and the server's host name.
    """

    urls: tuple[str, ...]
    base_dn: str
    bind_dn: str
    bind_password: str = field(repr=False)
    user_filter: str = DEFAULT_USER_FILTER
    group_admin: str | None = None
    group_it: str | None = None
    group_head: str | None = None
    group_specialist: str | None = None
    ca_bundle: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    start_tls: bool = True

    def group_for(self, role: str) -> str | None:
        """Say which directory group (a DN) grants ``role``; None when none is set."""
        return {
            "admin": self.group_admin,
            "it": self.group_it,
            "head": self.group_head,
            "specialist": self.group_specialist,
        }[role]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LdapSettings:
        """Read SROK_LDAP_*; a missing or malformed value names its variable (RuleViolation)."""
        env = os.environ if env is None else env
        groups = {role: _dn(env, f"SROK_LDAP_GROUP_{role.upper()}") for role in ROLES}
        if not any(groups.values()):
            raise RuleViolation(
                "SROK_LDAP_GROUP_ADMIN",
                "не задана ни одна группа ролей (SROK_LDAP_GROUP_ADMIN, _IT, _HEAD, "
                "_SPECIALIST): через каталог никто не смог бы войти",
            )
        return cls(
            urls=_urls(env),
            base_dn=_dn(env, "SROK_LDAP_BASE_DN", required=True) or "",
            bind_dn=_required(env, "SROK_LDAP_BIND_DN"),
            bind_password=_bind_password(env),
            user_filter=_user_filter(env),
            group_admin=groups["admin"],
            group_it=groups["it"],
            group_head=groups["head"],
            group_specialist=groups["specialist"],
            ca_bundle=_ca_bundle(env),
            timeout=_timeout(env),
            start_tls=_flag(env, "SROK_LDAP_STARTTLS", default=True),
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise RuleViolation(name, "не задана: нужна для входа через каталог (SROK_AUTH=ldap)")
    return value


def _urls(env: Mapping[str, str]) -> tuple[str, ...]:
    urls = tuple(_required(env, "SROK_LDAP_URL").replace(",", " ").split())
    for url in urls:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("ldap", "ldaps") or not parts.hostname or port == -1:
            raise RuleViolation(
                "SROK_LDAP_URL",
                f"«{url}» — ожидается ldaps://сервер[:порт] или ldap://сервер[:порт]",
            )
    return urls


def _dn(env: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    value = _required(env, name) if required else env.get(name, "").strip()
    if not value:
        return None
    try:
        parse_dn(value, strip=True)
    except LDAPException:
        raise RuleViolation(name, f"«{value}» — не различающееся имя (DN) LDAP") from None
    return value


def _bind_password(env: Mapping[str, str]) -> str:
    """Take the search account's password from SROK_LDAP_BIND_PASSWORD or the file it names."""
    value, path = env.get("SROK_LDAP_BIND_PASSWORD"), env.get("SROK_LDAP_BIND_PASSWORD_FILE")
    if value and path:
        raise RuleViolation(
            "SROK_LDAP_BIND_PASSWORD_FILE",
            "задан вместе с SROK_LDAP_BIND_PASSWORD: оставьте что-то одно",
        )
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise RuleViolation(
                "SROK_LDAP_BIND_PASSWORD_FILE", f"«{path}» не читается: {exc.strerror}"
            ) from None
    if not value:
        raise RuleViolation(
            "SROK_LDAP_BIND_PASSWORD",
            "не задан пароль сервисной учётной записи (или SROK_LDAP_BIND_PASSWORD_FILE)",
        )
    return value


def _user_filter(env: Mapping[str, str]) -> str:
    value = env.get("SROK_LDAP_USER_FILTER", "").strip() or DEFAULT_USER_FILTER
    if "{login}" not in value:
        raise RuleViolation("SROK_LDAP_USER_FILTER", f"«{value}» — нет подстановки {{login}}")
    try:
        parse_filter(
            value.replace("{login}", "x"),
            None,
            auto_escape=False,
            auto_encode=True,
            validator=None,
            check_names=False,
        )
    except LDAPException:
        raise RuleViolation("SROK_LDAP_USER_FILTER", f"«{value}» — не фильтр LDAP") from None
    return value


def _ca_bundle(env: Mapping[str, str]) -> Path | None:
    value = env.get("SROK_LDAP_CA_BUNDLE", "").strip()
    if not value:
        return None
    if not Path(value).is_file():
        raise RuleViolation("SROK_LDAP_CA_BUNDLE", f"«{value}» — нет такого файла")
    return Path(value)


def _timeout(env: Mapping[str, str]) -> float:
    value = env.get("SROK_LDAP_TIMEOUT", "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 120:
        raise RuleViolation("SROK_LDAP_TIMEOUT", f"«{value}» — ожидается число секунд от 0 до 120")
    return seconds


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value not in YES + NO:
        raise RuleViolation(name, f"«{value}» — ожидается yes или no")
    return value in YES
