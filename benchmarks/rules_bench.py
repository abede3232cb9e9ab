"""The weekly check of п. 2.1 and 2.4: srok's own work per account, apart from the network.

Times are CPU seconds of this process (the machine is shared). Part 1 replays one account's answers (a VK wall.get page of 100 posts and a
groups.getById, or a Telegram preview page of 20 posts) ACCOUNTS times through
the same code the check runs: decode, map to publications, count the week,
find and normalise phones, compare the description. The baseline, measured in
the same run, is the bare decode (json.loads, HTMLParser) of the same bytes. Part 2 runs the real
clients against the local fake networks (tests/networks/servers.py) for a
few hundred accounts and counts the requests each account costs.
Usage: python benchmarks/rules_bench.py [ACCOUNTS]   (default 10000)
"""

from __future__ import annotations

import json
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from domain.description import DescriptionSeen, OrganRecord, compare_description
from domain.posting import IsoWeek, count_week
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
    max_message,
    ok_topic,
    vk_post,
)
from networks.http import make_transport
from networks.max import MaxClient
from networks.ok import OkClient
from networks.telegram import TelegramClient, _publication, parse_preview
from networks.vk import VkClient, _items
from networks.vk import _publication as vk_publication
from services.phones import normalise_phone, phones_in

WEEK = IsoWeek(2026, 48)
DESCRIPTION = (
    "Официальная страница комитета по культуре администрации города Новоалтайска. "
    "658080, Алтайский край, г. Новоалтайск, ул. Октябрьская, 29. kultura@novoaltaysk.ru, "
    "тел. 8 (38532) 2-11-11"
)
RECORD = OrganRecord(
    "Комитет по культуре Администрации г. Новоалтайска",
    "658080, Алтайский край, г. Новоалтайск, ул. Октябрьская, д. 29",
    "kultura@novoaltaysk.ru",
    normalise_phone("8 (38532) 2-11-11"),
)


def vk_answers() -> tuple[bytes, bytes]:
    group = VkGroup(id=1, screen_name="g", name="Г", description=DESCRIPTION)
    items = [vk_post(group, 1, "2025-01-01T10:00+07:00", is_pinned=1)] + [
        vk_post(group, 1000 - i, f"2026-11-{30 - i // 4:02d}T{8 + i % 4 * 3:02d}:00+07:00")
        for i in range(99)
    ]
    wall = json.dumps({"response": {"count": 500, "items": items}}).encode()
    info = {
        "id": 1,
        "name": "Г",
        "description": DESCRIPTION,
        "contacts": [{"phone": "+7 38532 21111"}],
    }
    return wall, json.dumps({"response": {"groups": [info], "profiles": []}}).encode()


def own_work_vk(wall: bytes, info: bytes) -> bool:
    posts = [vk_publication(i) for i in _items(json.loads(wall)["response"])]
    count_week(posts, WEEK)
    group = json.loads(info)["response"]["groups"][0]
    seen = DescriptionSeen(
        group["description"], phones_in(group["description"], ["+7 38532 21111"])
    )
    return compare_description(seen, RECORD).ok


def own_work_telegram(page: str) -> bool:
    preview = parse_preview(page)
    count_week([_publication(p) for p in preview.posts], WEEK)
    seen = DescriptionSeen(preview.description, phones_in(preview.description))
    return compare_description(seen, RECORD).ok


def bare_html(page: str) -> None:
    parser = HTMLParser()
    parser.feed(page)
    parser.close()  # feed() alone may leave the page buffered, unparsed


def part1(accounts: int) -> None:
    wall, info = vk_answers()
    fake = FakeTelegram()
    fake.add(
        TgChannel(
            "c",
            "К",
            DESCRIPTION,
            [TgPost(i, f"2026-11-{10 + i // 2:02d}T10:00+07:00") for i in range(40)],
        )
    )
    page = fake.reply("/s/c", {}, {})[2].decode()
    fake.server.server_close()
    assert own_work_vk(wall, info) and own_work_telegram(page)
    for name, work, baseline in (
        (
            "VK (100 posts + description)",
            lambda: own_work_vk(wall, info),
            lambda: (json.loads(wall), json.loads(info)),
        ),
        (
            "Telegram (preview page, 20 posts)",
            lambda: own_work_telegram(page),
            lambda: bare_html(page),
        ),
    ):
        started = time.process_time()
        for _ in range(accounts):
            work()
        spent = time.process_time() - started
        started = time.process_time()
        for _ in range(accounts):
            baseline()
        base = time.process_time() - started
        print(
            f"{name}: {accounts} accounts in {spent:.2f} s, {spent / accounts * 1e3:.2f} ms each; "
            f"100,000 accounts ≈ {spent / accounts * 1e5:.0f} s; "
            f"{spent / base:.1f}× the bare decode (json.loads, HTMLParser) of the same answers"
        )


def part2(accounts: int) -> None:
    vk, ok, tg, mx = (
        FakeVk().start(),
        FakeOk().start(),
        FakeTelegram().start(),
        FakeMax(token="t").start(),
    )
    try:
        for n in range(accounts):
            g = vk.add(VkGroup(id=n + 1, screen_name=f"g{n}", name="Г", description=DESCRIPTION))  # type: ignore[attr-defined]
            g.posts = [vk_post(g, 99, "2025-01-01T10:00+07:00", is_pinned=1)] + [
                vk_post(g, 50 - i, f"2026-11-{30 - i // 2:02d}T10:00+07:00") for i in range(20)
            ]
            o = ok.add(OkGroup(uid=str(n + 1), name="Г", description=DESCRIPTION))  # type: ignore[attr-defined]
            o.topics = [
                ok_topic(o, 50 - i, f"2026-11-{30 - i // 2:02d}T10:00+07:00") for i in range(20)
            ]
            tg.add(
                TgChannel(
                    f"c{n}",
                    "К",
                    DESCRIPTION,
                    [TgPost(i, f"2026-11-{20 + i // 2:02d}T10:00+07:00") for i in range(20)],
                )
            )  # type: ignore[attr-defined]
            c = mx.add(MaxChat(-n - 1, f"https://max.ru/c{n}", "К", DESCRIPTION))  # type: ignore[attr-defined]
            c.messages = [
                max_message(c, 50 - i, f"2026-11-{30 - i // 2:02d}T10:00+07:00") for i in range(20)
            ]

        def t(url: str, name: str):  # type: ignore[no-untyped-def]
            return make_transport(name=name, base_url=url, per_second=0)

        clients = {
            "vk": (VkClient(t(vk.url + "/method", "VK"), token=vk.token), "https://vk.com/g{}"),  # type: ignore[attr-defined]
            "ok": (
                OkClient(
                    t(ok.url + "/fb.do", "OK"), app_key=ok.app_key, secret=ok.secret, token=ok.token
                ),
                "https://ok.ru/group/{}",
            ),  # type: ignore[attr-defined]
            "telegram": (TelegramClient(t(tg.url, "TG")), "https://t.me/c{}"),
            "max": (MaxClient(t(mx.url, "MAX"), token="t"), "https://max.ru/c{}"),
        }
        for network, (client, pattern) in clients.items():
            started = time.process_time()
            for n in range(accounts):
                url = pattern.format(n + 1 if network == "ok" else n)
                client.publications(url, since=WEEK.start(), until=WEEK.end())
                client.description(url)
            spent = time.process_time() - started
            made = client.transport.requests  # type: ignore[attr-defined]
            print(
                f"{network}: {made / accounts:.2f} requests per account (п. 2.1 + 2.4), "
                f"{spent / accounts * 1e3:.1f} ms CPU per account on loopback (the fake servers, in this process, included)"
            )
            client.close()
    finally:
        for api in (vk, ok, tg, mx):
            api.stop()


def main() -> None:
    accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    part1(accounts)
    part2(200)


if __name__ == "__main__":
    main()
