"""Social networks srok knows, and what a valid account address on each looks like."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from domain.errors import RuleViolation


@dataclass(frozen=True)
class Network:
    code: str
    russian: str  # as residents name it
    domains: tuple[str, ...]  # hosts an account address may use (subdomains m., www. too)


NETWORKS: dict[str, Network] = {
    n.code: n
    for n in (
        Network("vk", "ВКонтакте", ("vk.com", "vk.ru")),
        Network("ok", "Одноклассники", ("ok.ru", "odnoklassniki.ru")),
        Network("telegram", "Telegram", ("t.me", "telegram.me")),
        Network("max", "MAX", ("max.ru",)),
        Network("rutube", "RUTUBE", ("rutube.ru",)),
        Network("dzen", "Дзен", ("dzen.ru", "zen.yandex.ru")),
        Network("other", "другая сеть", ()),
    )
}


def network(code: str) -> Network:
    """Return the network named ``code``, or raise naming the ``--network`` field."""
    try:
        return NETWORKS[code]
    except KeyError:
        raise RuleViolation(
            "--network", f"«{code}» — неизвестная сеть; допустимо: {', '.join(NETWORKS)}", None
        ) from None


def _bare_host(host: str) -> str:
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def normalise_url(net: Network, url: str) -> str:
    """Check an account address against its network and return it in one canonical form.

    The canonical form is lower-case https with no trailing slash, query or
    fragment, and without ``m.``/``www.``: so that the same account given two
    ways is recognised as one (п. 1.5).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleViolation("--url", f"«{url}» — не адрес http(s)", "3.3")
    host = _bare_host(parts.hostname.lower())
    if net.domains and host not in net.domains:
        raise RuleViolation(
            "--url",
            f"«{url}» — не адрес в сети {net.russian} (ожидается {', '.join(net.domains)})",
            "3.3",
        )
    path = parts.path.rstrip("/")
    if not path:
        raise RuleViolation("--url", f"«{url}» — адрес сети, а не аккаунта", "3.3")
    return urlunsplit(("https", host, path, "", ""))


def network_key(net: Network, canonical_url: str) -> str:
    """Return what п. 1.5 compares: the network, or for an unlisted one its host."""
    if net.code != "other":
        return net.code
    return "other:" + (urlsplit(canonical_url).hostname or "")
