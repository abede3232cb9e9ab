"""Social networks srok knows, and the one canonical form of an account's address.

The network is read from the address's host (п. 1.5 counts accounts per network):
``other`` is only for hosts srok does not know, so a second VK account cannot
pass as "another network". Every address is stored in one canonical form, so
the same account typed two ways is one account (п. 1.5, 3.3 абзац 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.clauses import ONE_ACCOUNT_PER_NETWORK
from domain.errors import RuleViolation
from domain.web_address import parse_web_address


@dataclass(frozen=True)
class Network:
    code: str
    russian: str  # as residents name it
    domains: tuple[str, ...]  # hosts an account address may use; the first is canonical
    # Whether the network ignores the case of an account's path (vk.com/Kultura is
    # vk.com/kultura). Where srok does not know, the case is kept.
    path_case_ignored: bool = False


NETWORKS: dict[str, Network] = {
    n.code: n
    for n in (
        Network("vk", "ВКонтакте", ("vk.com", "vk.ru"), path_case_ignored=True),
        Network("ok", "Одноклассники", ("ok.ru", "odnoklassniki.ru"), path_case_ignored=True),
        Network("telegram", "Telegram", ("t.me", "telegram.me"), path_case_ignored=True),
        Network("max", "MAX", ("max.ru",)),
        Network("rutube", "RUTUBE", ("rutube.ru",), path_case_ignored=True),
        Network("dzen", "Дзен", ("dzen.ru", "zen.yandex.ru"), path_case_ignored=True),
        Network("other", "другая сеть", ()),
    )
}
OTHER = NETWORKS["other"]
_BY_HOST = {domain: n for n in NETWORKS.values() for domain in n.domains}


def network(code: str) -> Network:
    """Return the network named ``code``, or raise naming the ``--network`` field."""
    try:
        return NETWORKS[code.strip().lower()]
    except KeyError:
        raise RuleViolation(
            "--network",
            f"«{code}» — неизвестная сеть; допустимо: {', '.join(NETWORKS)}",
            ONE_ACCOUNT_PER_NETWORK,
        ) from None


def bare_host(host: str) -> str:
    """Drop the ``www.`` and ``m.`` (mobile) prefixes: the same site."""
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def network_of_host(host: str) -> Network | None:
    """Return the network a host belongs to, or None for a host srok does not know."""
    return _BY_HOST.get(bare_host(host.lower()))


def _canonical_path(net: Network, path: str) -> str:
    path = path.rstrip("/")
    # Telegram invite links (t.me/+AbC, t.me/joinchat/AbC) are case-sensitive tokens.
    invite = net.code == "telegram" and path.startswith(("/+", "/joinchat/"))
    return path.lower() if net.path_case_ignored and not invite else path


def account_address(code: str | None, url: str) -> tuple[Network, str]:
    """Check an account's address and return its network and canonical form.

    The network comes from the host; ``code`` (``--network``), when given, must
    agree with it. The canonical form is https, the network's main domain (vk.ru
    is vk.com), no ``m.``/``www.``, no trailing slash, query or fragment, and the
    path in lower case where the network ignores case. A port, an IP address or
    a path that names no account are refused, never dropped.
    """
    address = parse_web_address("--url", url, clause="3.3")
    given = network(code) if code is not None else None
    if address.is_ip:
        raise RuleViolation("--url", f"«{url.strip()}» — IP-адрес, а не адрес в соцсети", "3.3")
    host = bare_host(address.host)
    derived = network_of_host(host)
    if given is not None and given.code == "other" and derived is not None:
        raise RuleViolation(
            "--network",
            f"«{address.host}» — адрес сети {derived.russian}: укажите --network {derived.code}; "
            "«other» — только для сетей, которых srok не знает",
            ONE_ACCOUNT_PER_NETWORK,
        )
    if given is not None and given.code != "other" and derived is not given:
        raise RuleViolation(
            "--url",
            f"«{url.strip()}» — не адрес в сети {given.russian} "
            f"(ожидается {', '.join(given.domains)})",
            "3.3",
        )
    net = derived or OTHER
    if address.port is not None and net is not OTHER:
        raise RuleViolation(
            "--url", f"«{url.strip()}» — у адреса в сети {net.russian} не бывает порта", "3.3"
        )
    path = _canonical_path(net, address.path)
    if not path:
        raise RuleViolation("--url", f"«{url.strip()}» — адрес сети, а не аккаунта", "3.3")
    netloc = net.domains[0] if net.domains else bare_host(address.netloc)
    return net, f"https://{netloc}{path}"


def normalise_url(net: Network, url: str) -> str:
    """Return ``url`` in canonical form, checked against the network ``net``."""
    return account_address(net.code, url)[1]


def network_key(net: Network, canonical_url: str) -> str:
    """Return what п. 1.5 compares: the network, or for an unlisted one its host."""
    if net.code != "other":
        return net.code
    netloc = canonical_url.removeprefix("https://").split("/", 1)[0]
    return "other:" + netloc.split(":")[0]
