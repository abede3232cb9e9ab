"""Fake network servers on loopback, and real clients pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from networks.fakes import FakeMax, FakeOk, FakeTelegram, FakeVk, serve
from networks.http import Transport, make_transport
from networks.max import MaxClient
from networks.ok import OkClient
from networks.telegram import TelegramClient
from networks.vk import VkClient

TIMEOUT = 0.5  # the "slow" fault sleeps 2 s: a timeout, not a hang


def transport(url: str, name: str, headers: dict[str, str] | None = None) -> Transport:
    return make_transport(
        name=name, base_url=url, per_second=0, timeout=TIMEOUT, backoff=0.01, headers=headers
    )


@pytest.fixture
def vk_api() -> Iterator[FakeVk]:
    yield from serve(FakeVk())  # type: ignore[misc]


@pytest.fixture
def vk(vk_api: FakeVk) -> Iterator[VkClient]:
    client = VkClient(transport(vk_api.url + "/method", "ВКонтакте"), token=vk_api.token)
    yield client
    client.close()


@pytest.fixture
def ok_api() -> Iterator[FakeOk]:
    yield from serve(FakeOk())  # type: ignore[misc]


@pytest.fixture
def ok(ok_api: FakeOk) -> Iterator[OkClient]:
    client = OkClient(
        transport(ok_api.url + "/fb.do", "Одноклассники"),
        app_key=ok_api.app_key,
        secret=ok_api.secret,
        token=ok_api.token,
    )
    yield client
    client.close()


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegram]:
    yield from serve(FakeTelegram())  # type: ignore[misc]


@pytest.fixture
def telegram(telegram_api: FakeTelegram) -> Iterator[TelegramClient]:
    client = TelegramClient(transport(telegram_api.url, "Telegram"))
    yield client
    client.close()


@pytest.fixture
def max_api() -> Iterator[FakeMax]:
    yield from serve(FakeMax())  # type: ignore[misc]


@pytest.fixture
def max_client(max_api: FakeMax) -> Iterator[MaxClient]:
    client = MaxClient(transport(max_api.url, "MAX"), token=max_api.token)
    yield client
    client.close()
