"""A city whose accounts have comments on the local fake networks: VK, OK, MAX and Telegram."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.calendar import WorkingCalendar
from networks.fakes import (
    FakeMax,
    FakeOk,
    FakeTelegram,
    FakeVk,
    MaxChat,
    OkGroup,
    TgChannel,
    TgPost,
    VkGroup,
    max_comment,
    max_message,
    ok_comment,
    ok_topic,
    serve,
    vk_comment,
    vk_post,
)
from services.accounts import add_organ
from services.network_clients import NetworkClients, open_clients
from tests.services.helpers import ACTOR, TODAY, account

BARNAUL = ZoneInfo("Asia/Barnaul")
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=BARNAUL)
PHONE = "8 913 123-45-67"
# One comment of each kind the rules judge, and ones they must leave alone.
CLEAN = "Спасибо за новость, очень ждали!"
OBSCENE = "Да пошли вы нахуй со своими ямами"
PERSONAL = f"Позвоните мне по номеру {PHONE}, расскажу про яму"
ENGAGEMENT = "Проголосуйте, пожалуйста, за наш двор в конкурсе!"
SPAM = "Натяжные потолки недорого, пишите в личку"
EMAIL = "Мой адрес почты ivanov.petr@mail.ru, пришлите ответ"
QUESTION = "Когда починят дорогу на улице Деповской?"
REPEATED = "Все новости города первыми только у нас в канале про Новоалтайск"


@dataclass
class Nets:
    vk: FakeVk
    ok: FakeOk
    max: FakeMax
    telegram: FakeTelegram

    def clients(self) -> NetworkClients:
        env = {
            "SROK_VK_API_URL": self.vk.url + "/method",
            "SROK_VK_TOKEN": self.vk.token,
            "SROK_OK_API_URL": self.ok.url + "/fb.do",
            "SROK_OK_APP_KEY": self.ok.app_key,
            "SROK_OK_SECRET": self.ok.secret,
            "SROK_OK_TOKEN": self.ok.token,
            "SROK_TELEGRAM_URL": self.telegram.url,
            "SROK_MAX_API_URL": self.max.url,
            "SROK_MAX_TOKEN": self.max.token,
        }
        rates = {"vk": 0.0, "ok": 0.0, "telegram": 0.0, "max": 0.0}
        return open_clients(env, per_second=rates, timeout=1.0, backoff=0.01)


def running_nets() -> Iterator[Nets]:
    runs = [serve(FakeVk()), serve(FakeOk()), serve(FakeMax()), serve(FakeTelegram())]
    started = [next(r) for r in runs]
    yield Nets(*started)  # type: ignore[arg-type]
    for r in runs:
        next(r, None)


@dataclass
class City:
    organ_id: int
    other_organ_id: int
    accounts: dict[str, int]
    vk: VkGroup
    ok: OkGroup
    chat: MaxChat


def fill(session: Session, calendar: WorkingCalendar, nets: Nets) -> City:
    """Two organs; culture has VK, OK, MAX and Telegram accounts, sport a VK community."""
    organ = add_organ(session=session, name="Комитет по культуре", actor=ACTOR, today=TODAY)
    sport = add_organ(session=session, name="Комитет по спорту", actor=ACTOR, today=TODAY)
    assert organ.id is not None and sport.id is not None
    vk = nets.vk.add(VkGroup(id=555, screen_name="kultura_nvl", name="Культура"))
    vk.posts = [
        vk_post(vk, 102, "2026-11-30T10:00+07:00"),
        vk_post(vk, 101, "2026-11-25T10:00+07:00"),
        vk_post(vk, 50, "2026-10-01T10:00+07:00"),  # older than the window
    ]
    for number, (when, text) in enumerate(
        [
            ("2026-11-25T11:00+07:00", CLEAN),
            ("2026-11-25T12:00+07:00", OBSCENE),
            ("2026-11-25T13:00+07:00", PERSONAL),
            ("2026-11-26T09:00+07:00", ENGAGEMENT),
            ("2026-11-26T10:00+07:00", SPAM),
            ("2026-11-26T11:00+07:00", REPEATED),
        ],
        start=1,
    ):
        nets.vk.add_comment(vk, 101, vk_comment(vk, 101, number, when, text))
    nets.vk.add_comment(vk, 102, vk_comment(vk, 102, 7, "2026-11-30T11:00+07:00", REPEATED))
    nets.vk.add_comment(vk, 50, vk_comment(vk, 50, 8, "2026-10-01T11:00+07:00", OBSCENE))
    ok = nets.ok.add(OkGroup(uid="777", name="Культура"))
    ok.topics = [ok_topic(ok, 10, "2026-11-27T12:00+07:00")]
    nets.ok.comments["10"] = [
        ok_comment("c1", "2026-11-27 06:00:00", EMAIL),
        ok_comment("c2", "2026-11-27 07:00:00", QUESTION),
    ]
    chat = nets.max.add(MaxChat(-7001, "https://max.ru/kultura_nvl", "Культура"))
    chat.messages = [max_message(chat, 30, "2026-11-28T10:00+07:00")]
    nets.max.comments["mid.30"] = [max_comment(1, "2026-11-28T12:00+07:00", REPEATED)]
    nets.telegram.add(
        TgChannel("kultura_tg", "Культура", "", [TgPost(5, "2026-11-30T10:00+07:00")])
    )
    sport_vk = nets.vk.add(VkGroup(id=556, screen_name="sport_nvl", name="Спорт"))
    sport_vk.posts = [vk_post(sport_vk, 1, "2026-11-30T09:00+07:00")]
    nets.vk.add_comment(sport_vk, 1, vk_comment(sport_vk, 1, 1, "2026-11-30T09:30+07:00", QUESTION))
    ids = {}
    for key, organ_id, url in [
        ("vk", organ.id, "https://vk.com/kultura_nvl"),
        ("ok", organ.id, "https://ok.ru/group/777"),
        ("max", organ.id, "https://max.ru/kultura_nvl"),
        ("telegram", organ.id, "https://t.me/kultura_tg"),
        ("rutube", organ.id, "https://rutube.ru/channel/123"),
        ("sport_vk", sport.id, "https://vk.com/sport_nvl"),
    ]:
        made = account(
            session, calendar, organ_id, network=None, url=url, created_on=date(2026, 11, 2)
        )
        ids[key] = made.id or 0
    return City(organ.id, sport.id, ids, vk, ok, chat)
