"""The Telegram client against a local t.me serving the public preview's markup."""

from __future__ import annotations

import pytest

from domain.posting import IsoWeek, count_week
from networks.base import CannotBeChecked, NotChecked
from networks.fakes import FakeTelegram, TgChannel, TgPost
from networks.telegram import TelegramClient, parse_preview

WEEK = IsoWeek(2026, 48)
URL = "https://t.me/kultura_nvl"


def channel(api: FakeTelegram, per_day: int = 2) -> TgChannel:
    posts = [TgPost(1, "2026-10-01T10:00+07:00", text="", service=True)]  # "Channel created"
    number = 10
    for day in range(1, 31):
        for hour in range(per_day):
            number += 1
            posts.append(TgPost(number, f"2026-11-{day:02d}T{9 + hour:02d}:00+07:00"))
    return api.add(
        TgChannel("kultura_nvl", "Культура", "Комитет по культуре\nтел. 8 (38532) 2-11-11", posts)
    )


def test_posts_are_paged_back_with_before_until_the_week_is_covered(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    channel(telegram_api)
    telegram_api.page_size = 6

    found = telegram.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 14
    befores = [q.get("before") for _, q, _ in telegram_api.requests]
    assert befores == [None, "65", "59"]


def test_the_time_of_a_post_is_read_in_utc_and_counted_in_barnaul(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    telegram_api.add(
        TgChannel(
            "edge",
            "Край",
            "",
            [
                TgPost(1, "2026-11-22T23:30+07:00"),  # Sunday night in Barnaul: the week before
                TgPost(2, "2026-11-23T00:30+07:00"),  # Monday 00:30 in Barnaul, Sunday 17:30 UTC
                TgPost(3, "2026-11-29T23:59+07:00"),
                TgPost(4, "2026-11-30T00:01+07:00"),
            ],
        )
    )

    found = telegram.publications("https://t.me/edge", since=WEEK.start(), until=WEEK.end())

    assert [p.id for p in found] == ["2", "3"]


def test_a_forwarded_post_is_a_bare_repost(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    telegram_api.add(
        TgChannel("fw", "Ф", "", [TgPost(1, "2026-11-24T10:00+07:00", forwarded=True)])
    )

    found = telegram.publications("https://t.me/fw", since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 0
    assert found[0].repost


def test_a_channel_without_a_public_preview_cannot_be_checked_never_zero(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    telegram_api.add(TgChannel("private", "Закрытый", public=False))

    with pytest.raises(CannotBeChecked, match="нет публичного предпросмотра") as caught:
        telegram.publications("https://t.me/private", since=WEEK.start(), until=WEEK.end())

    assert not caught.value.network_down


def test_the_description_keeps_its_line_breaks(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    channel(telegram_api)

    seen = telegram.description(URL)

    assert seen.title == "Культура"
    assert seen.text == "Комитет по культуре\nтел. 8 (38532) 2-11-11"


@pytest.mark.parametrize(("fault", "words"), [("500", "502"), ("slow", "не ответил")])
def test_a_failing_t_me_leaves_the_channel_unchecked(
    telegram: TelegramClient, telegram_api: FakeTelegram, fault: str, words: str
) -> None:
    channel(telegram_api)
    telegram_api.faults.append(fault)

    with pytest.raises(NotChecked, match=words):
        telegram.description(URL)


def test_a_page_that_is_not_a_channel_cannot_be_checked() -> None:
    assert parse_preview("<html><body><div class='tgme_page'>x</div></body></html>").posts == []


def test_a_post_without_a_readable_date_is_reported_not_guessed(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    telegram_api.add(TgChannel("bad", "Плохой", "", [TgPost(1, "2026-11-24T10:00+07:00")]))
    original = telegram_api._post
    telegram_api._post = lambda name, post: original(name, post).replace(  # type: ignore[method-assign]
        'datetime="2026', 'datetime="вчера'
    )

    with pytest.raises(NotChecked, match="datetime"):
        telegram.publications("https://t.me/bad", since=WEEK.start(), until=WEEK.end())


def test_comments_are_not_in_the_preview(telegram: TelegramClient) -> None:
    with pytest.raises(CannotBeChecked):
        telegram.comments(URL, post_id="1", after=None)


def test_the_week_and_the_description_of_a_channel_cost_one_request_when_it_fits_a_page(
    telegram: TelegramClient, telegram_api: FakeTelegram
) -> None:
    telegram_api.add(TgChannel("small", "Малый", "Описание", [TgPost(1, "2026-11-20T10:00+07:00")]))

    telegram.publications("https://t.me/small", since=WEEK.start(), until=WEEK.end())
    telegram.description("https://t.me/small")

    assert len(telegram_api.requests) == 1
