"""A small city whose accounts live on the local fake networks: shared by service and CLI tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from networks.fakes import (
    FakeOk,
    FakeTelegram,
    FakeVk,
    OkGroup,
    TgChannel,
    TgPost,
    VkGroup,
    ok_topic,
    serve,
    vk_post,
)
from services.accounts import add_organ
from services.network_clients import NetworkClients, open_clients
from tests.services.helpers import ACTOR, TODAY, account

NAME = "Комитет по культуре Администрации г. Новоалтайска"
ADDRESS = "658080, Алтайский край, г. Новоалтайск, ул. Октябрьская, д. 29"
DESCRIPTION = (
    "Официальная страница комитета по культуре администрации города Новоалтайска. "
    "658080, Алтайский край, г. Новоалтайск, ул. Октябрьская, 29. kultura@novoaltaysk.ru"
)


@dataclass
class Fakes:
    vk: FakeVk
    ok: FakeOk
    telegram: FakeTelegram


def running_fakes() -> Iterator[Fakes]:
    """Start the fakes for one test (a fixture's body); stop them after."""
    runs = [serve(FakeVk()), serve(FakeOk()), serve(FakeTelegram())]
    vk, ok, telegram = (next(r) for r in runs)
    assert isinstance(vk, FakeVk) and isinstance(ok, FakeOk) and isinstance(telegram, FakeTelegram)
    yield Fakes(vk, ok, telegram)
    for r in runs:
        next(r, None)


def network_env(fakes: Fakes) -> dict[str, str]:
    """The settings that point srok's clients at the fakes."""
    return {
        "SROK_VK_API_URL": fakes.vk.url + "/method",
        "SROK_VK_TOKEN": fakes.vk.token,
        "SROK_OK_API_URL": fakes.ok.url + "/fb.do",
        "SROK_OK_APP_KEY": fakes.ok.app_key,
        "SROK_OK_SECRET": fakes.ok.secret,
        "SROK_OK_TOKEN": fakes.ok.token,
        "SROK_TELEGRAM_URL": fakes.telegram.url,
    }


def clients_for(fakes: Fakes, **env: str) -> NetworkClients:
    base = network_env(fakes)
    rates = {"vk": 0.0, "ok": 0.0, "telegram": 0.0, "max": 0.0}
    return open_clients({**base, **env}, per_second=rates, timeout=0.5, backoff=0.01)


def city(session: Session, calendar: WorkingCalendar, fakes: Fakes) -> dict[str, int]:
    """One organ, with a VK account that kept the week, an OK group short of 8, and more."""
    organ = add_organ(
        session=session,
        name=NAME,
        email="kultura@novoaltaysk.ru",
        phone="8 (38532) 2-11-11",
        address=ADDRESS,
        actor=ACTOR,
        today=TODAY,
    )
    assert organ.id is not None
    vk = fakes.vk.add(
        VkGroup(id=555, screen_name="kultura_nvl", name="Культура", description=DESCRIPTION)
    )
    vk.contacts = [{"user_id": 1, "desc": "Приёмная", "phone": "+7 38532 21111"}]
    vk.posts = [vk_post(vk, 900, "2025-01-01T10:00+07:00", is_pinned=1)] + [
        vk_post(vk, 100 - i, f"2026-11-{29 - i // 2:02d}T{10 + i % 2:02d}:00+07:00")
        for i in range(16)
    ]
    ok = fakes.ok.add(OkGroup(uid="777", name="Культура", description=DESCRIPTION))
    ok.topics = [ok_topic(ok, 10 - i, f"2026-11-{28 - i:02d}T12:00+07:00") for i in range(7)]
    fakes.telegram.add(TgChannel("kultura_closed", "Закрытый", public=False))
    fakes.telegram.add(
        TgChannel("kultura_tg", "Культура", "Без контактов", [TgPost(5, "2026-11-24T10:00+07:00")])
    )
    ids = {}
    for key, url in [
        ("vk", "https://vk.com/kultura_nvl"),
        ("ok", "https://ok.ru/group/777"),
        ("telegram", "https://t.me/kultura_closed"),
        ("max", "https://max.ru/kultura_nvl"),
        ("rutube", "https://rutube.ru/channel/123"),
    ]:
        made = account(
            session, calendar, organ.id, network=None, url=url, created_on=date(2026, 11, 2)
        )
        assert made.id is not None
        ids[key] = made.id
    organ2 = add_organ(session=session, name="Отдел спорта", actor=ACTOR, today=TODAY)
    assert organ2.id is not None
    tg = account(
        session,
        calendar,
        organ2.id,
        network=None,
        url="https://t.me/kultura_tg",
        created_on=date(2026, 11, 2),
    )
    assert tg.id is not None
    ids["telegram_open"] = tg.id
    return ids
