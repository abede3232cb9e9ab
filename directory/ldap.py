"""Log in against Active Directory (or any LDAP directory) with ldap3: search, then bind as the user.

The search account finds the user's entry with the configured filter, the login
escaped by RFC 4515 so ``*)(uid=*`` matches nobody; then srok binds as that entry
with the password given. An empty password is refused before anything is sent:
LDAP treats it as an anonymous bind, which "succeeds" (RFC 4513 §5.1.2).
No password is ever logged or put into an error text.
"""

from __future__ import annotations

import contextlib
import logging
import math
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import (
    LDAPBindError,
    LDAPException,
    LDAPSocketOpenError,
    LDAPSocketReceiveError,
    LDAPStartTLSError,
)
from ldap3.utils.dn import parse_dn

from directory.settings import ROLES, LdapSettings

__all__ = [
    "DirectoryUnavailable",
    "DirectoryUser",
    "LdapDirectory",
    "LdapSettings",
    "escape_filter_value",
    "role_for",
]

log = logging.getLogger("srok.directory")
USER_ATTRIBUTES = ["sAMAccountName", "uid", "mail", "displayName", "cn", "memberOf"]


@dataclass(frozen=True)
class DirectoryUser:
    """A person the directory vouched for: login, mailbox, name, and the groups (memberOf DNs)."""

    login: str
    mail: str | None
    display_name: str
    groups: frozenset[str]


class DirectoryUnavailable(Exception):
    """The directory cannot answer (down, TLS refused, search account refused): say so in Russian.

    Not "wrong password": a caller shows this text and may still let local accounts log in.
    """


class LdapDirectory:
    """The directory behind SROK_AUTH=ldap."""

    def __init__(self, settings: LdapSettings) -> None:
        self.settings = settings

    def authenticate(self, login: str, password: str) -> DirectoryUser | None:
        """Check a login and password with the directory.

        None for an unknown user or a wrong password; DirectoryUnavailable when the
        directory cannot answer.
        """
        login = login.strip()
        if not login or not password:
            return None  # an empty password would be an anonymous bind, which "succeeds"
        last: DirectoryUnavailable | None = None
        for url in self.settings.urls:
            try:
                return self._authenticate_at(url, login, password)
            except _Unreachable as exc:
                log.warning("каталог %s недоступен: %s", url, exc.reason)
                last = DirectoryUnavailable(
                    f"Каталог пользователей (Active Directory) недоступен ({url}): {exc.reason}. "
                    "Вход через каталог временно невозможен; обратитесь в ИТ-отдел."
                )
        assert last is not None
        raise last

    def _authenticate_at(self, url: str, login: str, password: str) -> DirectoryUser | None:
        server = self._server(url)
        with self._open(server, self.settings.bind_dn, self.settings.bind_password) as search:
            if search is None:
                log.error("каталог %s отклонил сервисную учётную запись", url)
                raise DirectoryUnavailable(
                    f"Каталог ({url}) отклонил сервисную учётную запись SROK_LDAP_BIND_DN: "
                    "проверьте её имя и пароль (SROK_LDAP_BIND_PASSWORD). "
                    "Вход через каталог невозможен; обратитесь в ИТ-отдел."
                )
            entry = self._find(search, login)
        if entry is None:
            log.info("вход через каталог: учётная запись не найдена")
            return None
        with self._open(server, entry["dn"], password) as user:
            if user is None:
                log.info("вход через каталог: пароль не подошёл")
                return None
        return _user_from(entry, login)

    def _server(self, url: str) -> Server:
        parts = urlsplit(url)
        host = parts.hostname or ""
        use_ssl = parts.scheme == "ldaps"
        tls = _CheckedTls(host, self.settings) if use_ssl or self.settings.start_tls else None
        return Server(
            host,
            port=parts.port or (636 if use_ssl else 389),
            use_ssl=use_ssl,
            tls=tls,
            get_info=NONE,
            connect_timeout=self.settings.timeout,
        )

    def _open(self, server: Server, user: str, password: str) -> _Bound:
        """Bind as ``user``; None inside the ``with`` when the directory refuses the credentials."""
        conn = Connection(
            server,
            user=user,
            password=password,
            receive_timeout=math.ceil(self.settings.timeout),  # ldap3 packs it as an integer
            auto_referrals=False,
            raise_exceptions=False,
            read_only=True,
        )
        try:
            conn.open()
            if self.settings.start_tls and not server.ssl:
                conn.start_tls()
            ok = conn.bind()
        except (LDAPSocketOpenError, LDAPSocketReceiveError) as exc:
            _close(conn)
            raise _Unreachable(_reason(exc, self.settings.timeout)) from None
        except (LDAPStartTLSError, ssl.SSLError) as exc:
            _close(conn)
            raise _Unreachable(f"защищённое соединение не установлено ({_reason(exc)})") from None
        except LDAPBindError:
            ok = False
        except LDAPException as exc:
            _close(conn)
            raise _Unreachable(_reason(exc)) from None
        if ok:
            return _Bound(conn)
        description = (conn.result or {}).get("description")
        _close(conn)
        if description != "invalidCredentials":
            raise _Unreachable(f"ошибка при проверке учётных данных: {description}")
        return _Bound(None)

    def _find(self, conn: Connection, login: str) -> dict[str, Any] | None:
        query = self.settings.user_filter.replace("{login}", escape_filter_value(login))
        try:
            conn.search(
                self.settings.base_dn,
                query,
                search_scope=SUBTREE,
                attributes=USER_ATTRIBUTES,
                size_limit=2,
                time_limit=max(1, int(self.settings.timeout)),
            )
        except LDAPException as exc:
            raise _Unreachable(_reason(exc, self.settings.timeout)) from None
        if conn.result and conn.result.get("description") not in ("success", "sizeLimitExceeded"):
            raise _Unreachable(f"поиск не выполнен: {conn.result.get('description')}")
        entries = [r for r in conn.response or [] if r.get("type") == "searchResEntry"]
        if len(entries) != 1:
            if len(entries) > 1:
                log.warning("SROK_LDAP_USER_FILTER нашёл больше одной записи: вход отклонён")
            return None
        return dict(entries[0])


def role_for(user: DirectoryUser, settings: LdapSettings) -> str | None:
    """Return 'admin' | 'it' | 'head' | 'specialist' | None (in no srok group), strongest first.

    Group DNs compare as DNs: case and spaces around separators do not matter.
    """
    mine = {_normal_dn(group) for group in user.groups}
    for role in ROLES:
        group = settings.group_for(role)
        if group and _normal_dn(group) in mine:
            return role
    return None


def escape_filter_value(value: str) -> str:
    r"""Escape a value for an LDAP filter (RFC 4515 §3): ``\ * ( )`` and NUL become \XX."""
    for char, code in (("\\", r"\5c"), ("*", r"\2a"), ("(", r"\28"), (")", r"\29"), ("\0", r"\00")):
        value = value.replace(char, code)
    return value


class _Unreachable(Exception):
    """The server did not answer, or not securely; the next URL may."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Bound:
    """A bound connection (or None) that unbinds when the ``with`` ends."""

    def __init__(self, conn: Connection | None) -> None:
        self.conn = conn

    def __enter__(self) -> Connection | None:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        if self.conn is not None:
            _close(self.conn)


class _CheckedTls(Tls):
    """TLS 1.2+ with the standard library's certificate and host name checks.

    ldap3 2.9 switches the context's host name check off and calls the deprecated
    ``ssl.match_hostname`` itself; this wraps the socket with a context that checks both.
    """

    def __init__(self, host: str, settings: LdapSettings) -> None:
        super().__init__(validate=ssl.CERT_REQUIRED)
        context = ssl.create_default_context(
            cafile=str(settings.ca_bundle) if settings.ca_bundle else None
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._context = context
        self._host = host

    def wrap_socket(self, connection: Any, do_handshake: bool = False) -> None:
        connection.socket = self._context.wrap_socket(
            connection.socket,
            server_side=False,
            do_handshake_on_connect=do_handshake,
            server_hostname=self._host,
        )


def _close(conn: Connection) -> None:
    """Unbind if it can, and close the socket in any case: ldap3 leaves it open after a failure."""
    with contextlib.suppress(LDAPException, OSError):
        conn.unbind()
    sock = getattr(conn, "socket", None)
    if sock is not None:
        sock.close()


def _user_from(entry: dict[str, Any], typed_login: str) -> DirectoryUser:
    attrs = entry.get("attributes", {})
    login = _first(attrs, "sAMAccountName") or _first(attrs, "uid") or typed_login
    return DirectoryUser(
        login=login,
        mail=_first(attrs, "mail"),
        display_name=_first(attrs, "displayName") or _first(attrs, "cn") or login,
        groups=frozenset(str(g) for g in _all(attrs, "memberOf")),
    )


def _all(attrs: dict[str, Any], name: str) -> list[Any]:
    for key, value in attrs.items():
        if key.lower() == name.lower():
            return list(value) if isinstance(value, list | tuple) else [value]
    return []


def _first(attrs: dict[str, Any], name: str) -> str | None:
    values = [str(v) for v in _all(attrs, name) if str(v).strip()]
    return values[0] if values else None


def _normal_dn(dn: str) -> str:
    try:
        return ",".join(
            f"{a.strip().lower()}={v.strip().lower()}" for a, v, _ in parse_dn(dn, strip=True)
        )
    except LDAPException:
        return dn.strip().lower()


def _reason(exc: BaseException, timeout: float | None = None) -> str:
    text = str(exc).lower()
    if timeout is not None and ("timed out" in text or "timeout" in text):
        return f"нет ответа за {timeout:g} с"
    if "refused" in text:
        return "соединение отклонено"
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "сертификат сервера не принят (SROK_LDAP_CA_BUNDLE)"
    return type(exc).__name__
