"""The network clients a run may use, made from the environment; a network without settings is named with why.

SROK_VK_API_URL (default https://api.vk.ru/method), SROK_VK_TOKEN,
SROK_VK_CA_BUNDLE; SROK_OK_API_URL (default https://api.ok.ru/fb.do),
SROK_OK_APP_KEY, SROK_OK_SECRET, SROK_OK_TOKEN; SROK_TELEGRAM_URL (default
https://t.me, no token); SROK_MAX_API_URL (default https://platform-api2.max.ru),
SROK_MAX_TOKEN. Each secret (the tokens, SROK_OK_SECRET) may instead name a
Prefect Secret block in ``<NAME>_BLOCK`` (SROK_VK_TOKEN_BLOCK=srok-vk-token), as
the Exchange password does. A network whose token is missing is "not
checked: no token", never an error of the run. Tokens are read here and
handed to the clients; they never appear in a message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import RuleViolation
from domain.networks import NETWORKS
from networks.base import NetworkClient
from networks.http import Transport, make_transport
from networks.max import MaxClient
from networks.ok import OkClient
from networks.telegram import TelegramClient
from networks.vk import VkClient

STANDING_RULES = "2"
# Requests a second per network in one run: under VK's 3/s for a user token and
# MAX's ~30/s, and gentle with t.me, which has no published limit.
PER_SECOND = {"vk": 3.0, "ok": 5.0, "telegram": 1.0, "max": 10.0}
NOT_AUTOMATED = (
    "не проверяется автоматически: у сети {name} нет открытого API для чтения публикаций"
)


@dataclass
class NetworkClients:
    """The clients of one run, and for each network srok cannot ask, the reason."""

    clients: dict[str, NetworkClient] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def get(self, network: str) -> NetworkClient | None:
        return self.clients.get(network)

    def reason(self, network: str) -> str:
        """Why the network is not asked (no token, no API)."""
        if network in self.reasons:
            return self.reasons[network]
        name = NETWORKS[network].russian if network in NETWORKS else network
        return NOT_AUTOMATED.format(name=name)

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def open_clients(
    env: Mapping[str, str] | None = None,
    *,
    per_second: Mapping[str, float] | None = None,
    timeout: float = 20.0,
    backoff: float = 1.0,
) -> NetworkClients:
    """Make a client for every network whose settings are present."""
    env = _with_secrets(os.environ if env is None else env)
    rates = {**PER_SECOND, **(per_second or {})}
    result = NetworkClients()

    def transport(code: str, url: str, verify: str | bool = True) -> Transport:
        return make_transport(
            name=NETWORKS[code].russian,
            base_url=url,
            per_second=rates[code],
            timeout=timeout,
            verify=verify,
            backoff=backoff,
        )

    if env.get("SROK_VK_TOKEN"):
        bundle = env.get("SROK_VK_CA_BUNDLE") or ""
        if bundle and not Path(bundle).is_file():
            raise RuleViolation("SROK_VK_CA_BUNDLE", f"«{bundle}» — файла нет", STANDING_RULES)
        result.clients["vk"] = VkClient(
            transport(
                "vk", env.get("SROK_VK_API_URL") or "https://api.vk.ru/method", bundle or True
            ),
            token=env["SROK_VK_TOKEN"],
        )
    else:
        result.reasons["vk"] = "не проверено: нет токена (SROK_VK_TOKEN)"

    ok_names = ("SROK_OK_APP_KEY", "SROK_OK_SECRET", "SROK_OK_TOKEN")
    if all(env.get(name) for name in ok_names):
        result.clients["ok"] = OkClient(
            transport("ok", env.get("SROK_OK_API_URL") or "https://api.ok.ru/fb.do"),
            app_key=env["SROK_OK_APP_KEY"],
            secret=env["SROK_OK_SECRET"],
            token=env["SROK_OK_TOKEN"],
        )
    else:
        absent = ", ".join(n for n in ok_names if not env.get(n))
        result.reasons["ok"] = f"не проверено: нет токена ({absent})"

    result.clients["telegram"] = TelegramClient(
        transport("telegram", env.get("SROK_TELEGRAM_URL") or "https://t.me")
    )

    if env.get("SROK_MAX_TOKEN"):
        result.clients["max"] = MaxClient(
            transport("max", env.get("SROK_MAX_API_URL") or "https://platform-api2.max.ru"),
            token=env["SROK_MAX_TOKEN"],
        )
    else:
        result.reasons["max"] = "не проверено: нет токена (SROK_MAX_TOKEN)"
    return result


SECRETS = ("SROK_VK_TOKEN", "SROK_OK_SECRET", "SROK_OK_TOKEN", "SROK_MAX_TOKEN")


def _with_secrets(env: Mapping[str, str]) -> Mapping[str, str]:
    """Fill each secret missing from the environment from the Prefect Secret block it names."""
    blocks = {
        name: env[f"{name}_BLOCK"]
        for name in SECRETS
        if not env.get(name) and env.get(f"{name}_BLOCK")
    }
    if not blocks:
        return env
    from prefect.blocks.system import Secret

    filled = dict(env)
    for name, block in blocks.items():
        secret: Any = Secret.load(block)
        filled[name] = str(secret.get())
    return filled
