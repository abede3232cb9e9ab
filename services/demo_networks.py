"""The demo city's networks: local fake servers with its accounts, and the standing rules checked on them.

`srok demo` cannot ask VK or Telegram about invented accounts, so it starts the
same stand-ins the tests use (networks.fakes) on 127.0.0.1, fills them with the
demo's accounts, and points srok's real clients at them. What they hold is
chosen so that each finding shows: the culture committee's VK community is
short of 8 posts in the last full week (п. 2.1), its OK group's description
has no phone (п. 2.4), the sports committee's Telegram channel has no public
preview (cannot be checked), and the sports committee's page on the city site
links to a VK community nobody notified (п. 3.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from domain.posting import IsoWeek
from models.tables import Account, Organ, UnnotifiedAccount
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
from services.app import Srok
from services.demo import ORGAN_PHONE
from services.links import set_site_page
from services.moderation import QueueItem
from services.moderation_sync import SyncReport
from services.network_clients import NetworkClients, open_clients
from services.rules import RuleResult
from services.unnotified import findings, scan_pages

ACTOR = "demo"

ADDRESS = "658080, Алтайский край, г. Новоалтайск (адрес для демонстрации)"
SHORT_WEEK = 5  # posts of the culture committee's VK community in the week checked
UNNOTIFIED = "https://vk.com/sport_nvl_fans_demo"  # linked on the site, never notified
# The sports committee's page on the city site (a copy served on loopback): its
# VK and Telegram accounts, a share button (not an account), and a fan
# community the committee runs but never notified.
SPORT_PAGE = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Комитет по спорту — сайт города (копия)</title></head>
<body><main><h1>Комитет по физической культуре и спорту</h1><p>Мы в социальных сетях:</p>
<ul><li><a href="https://vk.com/sport_nvl_demo">ВКонтакте</a></li>
<li><a href="https://t.me/sport_nvl_demo">Telegram</a></li>
<li><a href="{UNNOTIFIED}/">Болельщики Новоалтайска ВКонтакте</a></li></ul>
<p><a href="https://vk.com/share.php?url=https%3A%2F%2Fnovoaltaysk.ru%2Fsport">Поделиться</a></p>
</main></body></html>
"""


@dataclass
class DemoNetworks:
    vk: FakeVk
    ok: FakeOk
    telegram: FakeTelegram
    max: FakeMax

    def env(self) -> dict[str, str]:
        """The settings that point srok's clients at the demo's servers (never os.environ)."""
        return {
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

    def clients(self) -> NetworkClients:
        rates = {"vk": 0.0, "ok": 0.0, "telegram": 0.0, "max": 0.0}
        return open_clients(self.env(), per_second=rates, timeout=5.0, backoff=0.05)


def _description(organ: str, code: str, *, phone: bool = True) -> str:
    contacts = f" Телефон для справок: {ORGAN_PHONE}." if phone else ""
    return f"{organ}. {ADDRESS}.{contacts} Эл. почта: {code}@example.invalid"


def _times(week: IsoWeek, count: int) -> list[str]:
    """``count`` moments in the week, newest first, a few a day at 10:00, 13:00, 16:00."""
    moments = [
        f"{week.monday + timedelta(days=i // 3)}T{10 + 3 * (i % 3):02d}:00+07:00"
        for i in range(count)
    ]
    return moments[::-1]


def fill(nets: DemoNetworks, *, organs: list[tuple[str, str]], week: IsoWeek) -> None:
    """Put the demo's accounts (services.demo.ACCOUNTS, by address) on the fake servers."""
    admin, kultura, education, sport, molodezh = organs
    vk_groups: list[tuple[str, tuple[str, str], int]] = [
        ("novoaltaysk_demo", admin, 10),
        ("kultura_nvl_demo", kultura, SHORT_WEEK),
        ("obrazovanie_nvl_demo", education, 9),
        ("sport_nvl_demo", sport, 8),
        ("molodezh_novoaltaysk_demo", molodezh, 8),
    ]
    for number, (name, (organ, code), posts) in enumerate(vk_groups, start=1):
        group = nets.vk.add(
            VkGroup(
                id=900 + number, screen_name=name, name=organ, description=_description(organ, code)
            )
        )
        pinned = vk_post(group, 1, "2026-01-12T10:00+07:00", is_pinned=1)
        group.posts = [pinned] + [
            vk_post(group, 100 + posts - i, when) for i, when in enumerate(_times(week, posts))
        ]
    organ, code = kultura
    ok = nets.ok.add(
        OkGroup(
            uid="5700001",
            name=organ,
            shortname="kultura_nvl_demo",
            description=_description(organ, code, phone=False),
        )
    )
    ok.topics = [ok_topic(ok, 50 - i, when) for i, when in enumerate(_times(week, 9))]
    organ, code = admin
    moments = _times(week, 8)[::-1]
    nets.telegram.add(
        TgChannel(
            "novoaltaysk_demo",
            organ,
            _description(organ, code),
            [TgPost(10 + i, when) for i, when in enumerate(moments)],
        )
    )
    nets.telegram.add(TgChannel("sport_nvl_demo", sport[0], public=False))
    chat = nets.max.add(
        MaxChat(-7001, "https://max.ru/novoaltaysk_demo", organ, _description(organ, code))
    )
    chat.messages = [max_message(chat, 30 - i, when) for i, when in enumerate(_times(week, 8))]
    _comments(nets, week)


# Residents' comments (invented), for `srok moderation sync`: one of each kind п. 2.5
# names and a few it must leave alone; a text repeated on three posts is spam.
REPEATED = "Все новости города первыми — в канале Новоалтайск сегодня, заходите"
VK_COMMENTS: list[tuple[int, int, str]] = [  # post, hour on the post's day, text
    (105, 1, "Спасибо за концерт, было здорово!"),
    (105, 2, "Звук на концерте был просто хуёвый, стыдно"),
    (105, 3, "Продам билеты на ёлку недорого, пишите в личку"),
    (105, 4, "Дочка потеряла шарф в ДК, звоните 8 913 765-43-21"),
    (104, 1, "Голосуйте за наш хор в конкурсе «Лучший коллектив»!"),
    (104, 2, "Когда будет расписание кружков на январь?"),
    (104, 3, REPEATED),
    (103, 1, REPEATED),
]


def _comments(nets: DemoNetworks, week: IsoWeek) -> None:
    group = nets.vk.groups["kultura_nvl_demo"]
    by_number = {int(p["id"]): int(p["date"]) for p in group.posts}
    for number, (post, hour, text) in enumerate(VK_COMMENTS, start=1):
        when = datetime.fromtimestamp(by_number[post] + hour * 3600, UTC).isoformat()
        nets.vk.add_comment(group, post, vk_comment(group, post, number, when, text))
    day = week.monday + timedelta(days=2)
    nets.ok.comments["50"] = [
        ok_comment("c1", f"{day} 09:00:00", "Дорогу у школы № 10 так и не почистили"),
    ]
    nets.max.comments["mid.30"] = [
        max_comment(1, f"{day + timedelta(days=3)}T12:00+07:00", REPEATED),
        max_comment(2, f"{day + timedelta(days=3)}T13:00+07:00",
                    "Пишите на почту petrov.ivan@mail.ru, отвечу про субботник"),
    ]  # fmt: skip


@contextmanager
def demo_networks(*, organs: list[tuple[str, str]], week: IsoWeek) -> Iterator[DemoNetworks]:
    """Start the four fake servers on loopback with the demo's accounts; stop them after."""
    with ExitStack() as stack:
        started: list[Any] = []
        for api in (FakeVk(), FakeOk(), FakeTelegram(), FakeMax()):
            runner = serve(api)
            started.append(next(runner))
            stack.callback(next, runner, None)
        nets = DemoNetworks(*started)
        fill(nets, organs=organs, week=week)
        yield nets


@dataclass
class DemoFindings:
    """What `srok demo` shows of the standing rules: the week's results and п. 3.1's findings."""

    week: IsoWeek
    results: list[RuleResult]
    urls: dict[int, str]  # account id -> address
    unnotified: list[tuple[UnnotifiedAccount, str]]  # with the organ's name
    required: list[tuple[RuleResult, str]] = field(default_factory=list)  # п. 1.2, still missing


def check_demo_city(app: Srok) -> DemoFindings:
    """Check the demo's accounts on the fake networks, stored as `srok rules check` stores them,
    then read the sports committee's page (a copy on loopback) for accounts nobody notified."""
    from services.demo import ORGANS
    from services.rule_evidence import run_standing_rules
    from services.standing_records import required_results

    today = app.today()
    week = IsoWeek.last_complete(today)
    with demo_networks(organs=ORGANS, week=week) as nets:
        clients = nets.clients()
        try:
            results = list(run_standing_rules(app=app, clients=clients, week=week, today=today))
        finally:
            clients.close()
    _scan_sport_page(app, organ_name=ORGANS[3][0])
    with app.transaction() as session:
        urls = {a.id or 0: a.url for a in session.exec(select(Account)).all()}
        found = findings(session=session, today=today, actor=ACTOR)
        names = {o.id or 0: o.name for o in session.exec(select(Organ)).all()}
        required = [
            (r, names.get(r.organ_id, "?"))
            for r in required_results(session=session, today=today)
            if not r.ok
        ]
    return DemoFindings(week=week, results=results, urls=urls, unnotified=found, required=required)


def _scan_sport_page(app: Srok, *, organ_name: str) -> None:
    from citysite.pages import PageFetcher
    from services.demo import LocalSite

    folder = app.settings.home / "site"
    with LocalSite(folder) as site:
        (folder / "sport.html").write_text(SPORT_PAGE, encoding="utf-8")
        fetcher = PageFetcher()
        try:
            with app.transaction() as session:
                organ = session.exec(select(Organ).where(Organ.name == organ_name)).one()
                set_site_page(
                    session=session,
                    organ_id=organ.id or 0,
                    page=site.url("sport.html"),
                    actor=ACTOR,
                    today=app.today(),
                )
                scan_pages(
                    session=session,
                    fetcher=fetcher,
                    today=app.today(),
                    actor=ACTOR,
                    organ_id=organ.id,
                )
        finally:
            fetcher.close()


def moderate_demo_city(app: Srok) -> tuple[SyncReport, list[QueueItem]]:
    """Read the demo accounts' comments from the fake networks (`srok moderation sync`) and
    return what it did with the queue it left."""
    from services.demo import ORGANS
    from services.moderation import queue
    from services.moderation_sync import sync, sync_instant

    week = IsoWeek.last_complete(app.today())
    with demo_networks(organs=ORGANS, week=week) as nets:
        clients = nets.clients()
        try:
            report = sync(app=app, clients=clients, now=sync_instant(app))
        finally:
            clients.close()
    with app.transaction() as session:
        return report, queue(session=session)
