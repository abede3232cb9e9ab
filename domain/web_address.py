"""Web addresses people type in (an account, an organ's page): read strictly, never repaired.

An address srok would have to guess at is refused, naming what is wrong: a space,
a line break, ``/../``, a port that is not a number, a broken IPv6 literal, a
user name or password, a scheme other than http(s), no host. Guessing would
store a different address from the one the organ runs, silently.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from domain.errors import RuleViolation
from domain.text import clean_text


@dataclass(frozen=True)
class WebAddress:
    """An http(s) address, split: host lower-case, port None when not given."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: str
    is_ip: bool

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host


def parse_web_address(field: str, text: str, *, clause: str | None) -> WebAddress:
    """Read ``text`` as an http(s) address or raise naming ``field`` and what is wrong."""
    value = clean_text(field, text, clause=clause, required=True) or ""

    def refuse(why: str) -> RuleViolation:
        return RuleViolation(field, f"«{value}» — {why}", clause)

    if any(ch.isspace() for ch in value):
        raise refuse("в адресе пробел: закодируйте его (%20) или уберите")
    if "\\" in value:
        raise refuse("в адресе обратная косая черта")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise refuse(f"адрес не разобрать ({_why(exc)})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise refuse("не адрес http(s)")
    if parts.username is not None or parts.password is not None:
        raise refuse("в адресе имя пользователя или пароль")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise refuse("в адресе нет имени сайта")
    is_ip = _is_ip(host)
    if not is_ip and not _valid_host(host):
        raise refuse(f"«{host}» — не имя сайта")
    if port == 0:
        raise refuse("порт 0 не бывает")
    if parts.netloc.endswith(":"):
        raise refuse("после двоеточия нет номера порта")
    segments = [unquote(s) for s in parts.path.split("/")]
    if "." in segments or ".." in segments:
        raise refuse("в пути «.» или «..»: укажите адрес без них")
    return WebAddress(
        scheme=parts.scheme.lower(),
        host=host.lower(),
        port=port,
        path=parts.path,
        query=parts.query,
        is_ip=is_ip,
    )


def _why(exc: ValueError) -> str:
    text = str(exc)
    if "IPv6" in text:
        return "незакрытый или неверный IPv6-адрес в квадратных скобках"
    if "out of range" in text:
        return "порт вне диапазона 1-65535"
    if "Port" in text or "port" in text:
        return "порт не число"
    return text


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _valid_host(host: str) -> bool:
    """A DNS name: labels of letters (any script), digits and hyphens, not at the ends."""
    labels = host.split(".")
    return all(
        label
        and len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(ch.isalnum() or ch == "-" for ch in label)
        for label in labels
    )
