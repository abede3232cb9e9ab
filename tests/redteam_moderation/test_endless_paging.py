"""A network whose comment pages never end (the same page again, a count that lies).

The sync must not hang on it: the flow runs every 30 minutes with a concurrency limit
of one, so a hung run stops every later one.
"""

from __future__ import annotations

from typing import Any

from networks.fakes import ok_comment, vk_comment
from services.app import Srok
from services.moderation_sync import sync
from tests.services.moderation_city import NOW, OBSCENE, City, Nets


class SamePageForever(list[dict[str, Any]]):
    """A comment list that answers every slice with its first page and says it is huge.

    After ``limit`` slices it answers nothing, so that a failing test ends.
    """

    def __init__(self, items: list[dict[str, Any]], limit: int = 400) -> None:
        super().__init__(items)
        self.calls, self.limit = 0, limit

    def __len__(self) -> int:
        return 10**9

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, slice):
            return super().__getitem__(key)
        self.calls += 1
        return [] if self.calls > self.limit else list(self)[:2]

    def __iter__(self) -> Any:
        return iter([super(SamePageForever, self).__getitem__(i) for i in range(2)])


def run(app: Srok, nets: Nets) -> None:
    clients = nets.clients()
    try:
        sync(app=app, clients=clients, now=NOW)
    finally:
        clients.close()


def test_vk_pages_that_repeat_forever_stop_the_reading_of_that_post(
    app: Srok, nets: Nets, city: City
) -> None:
    endless = SamePageForever(
        [
            vk_comment(city.vk, 102, 60, "2026-11-30T12:00+07:00", OBSCENE),
            vk_comment(city.vk, 102, 61, "2026-11-30T12:05+07:00", "Спасибо!"),
        ]
    )
    nets.vk.comments[f"-{city.vk.id}_102"] = endless

    run(app, nets)

    assert endless.calls <= 3


def test_ok_pages_that_repeat_forever_stop_the_reading_of_that_topic(
    app: Srok, nets: Nets, city: City
) -> None:
    endless = SamePageForever(
        [
            ok_comment("c60", "2026-11-27 08:00:00", OBSCENE),
            ok_comment("c61", "2026-11-27 08:05:00", "Спасибо!"),
        ]
    )
    nets.ok.comments["10"] = endless

    run(app, nets)

    assert endless.calls <= 3
