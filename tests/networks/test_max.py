"""The MAX client against a local Bot API: token in the header, the bot in the channel."""

from __future__ import annotations

import pytest

from domain.posting import IsoWeek, count_week
from networks.base import CannotBeChecked, NotChecked
from networks.fakes import FakeMax, MaxChat, max_comment, max_message
from networks.max import MaxClient

WEEK = IsoWeek(2026, 48)
URL = "https://max.ru/kultura_nvl"


def chat(api: FakeMax) -> MaxChat:
    room = api.add(MaxChat(-70001, "https://max.ru/kultura_nvl", "Культура", "Комитет по культуре"))
    messages = []
    number = 0
    for day in range(30, 1, -1):
        for hour in (18, 12, 8, 7):
            number += 1
            messages.append(
                max_message(room, 1000 - number, f"2026-11-{day:02d}T{hour:02d}:00+07:00")
            )
    room.messages = messages
    return room


def test_messages_are_paged_back_by_time_until_the_week_is_covered(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    chat(max_api)
    max_api.page_size = 10

    found = max_client.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 28
    assert len([r for r in max_api.requests if r[0] == "/messages"]) == 4


def test_the_token_is_sent_in_the_authorization_header(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    chat(max_api)

    seen = max_client.description(URL)

    assert seen.text == "Комитет по культуре"
    assert all(h["authorization"] == "max-bot-token" for _, _, h in max_api.requests)
    assert all("access_token" not in q for _, q, _ in max_api.requests)


def test_the_chat_is_found_among_many_by_its_link(max_client: MaxClient, max_api: FakeMax) -> None:
    for i in range(150):
        max_api.add(MaxChat(-i - 1, f"https://max.ru/other{i}", f"Чат {i}"))
    chat(max_api)

    assert max_client.chat_id("https://max.ru/KULTURA_NVL/") == -70001
    assert [q.get("marker") for p, q, _ in max_api.requests if p == "/chats"] == [None, "100"]


def test_a_channel_the_bot_is_not_in_cannot_be_checked(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    chat(max_api)

    with pytest.raises(CannotBeChecked, match="добавьте бота"):
        max_client.description("https://max.ru/unknown")


def test_a_refused_token_stops_the_network(max_client: MaxClient, max_api: FakeMax) -> None:
    max_api.faults.append("token")

    with pytest.raises(NotChecked, match="SROK_MAX_TOKEN") as caught:
        max_client.description(URL)

    assert caught.value.stop


def test_too_many_requests_is_waited_out(max_client: MaxClient, max_api: FakeMax) -> None:
    chat(max_api)
    max_api.faults += ["429", "429"]

    assert max_client.description(URL).title == "Культура"


@pytest.mark.parametrize(
    ("fault", "words"), [("500", "502"), ("garbage", "не JSON"), ("slow", "не ответил")]
)
def test_a_failing_api_leaves_the_channel_unchecked(
    max_client: MaxClient, max_api: FakeMax, fault: str, words: str
) -> None:
    chat(max_api)
    max_api.faults.append(fault)

    with pytest.raises(NotChecked, match=words):
        max_client.description(URL)


def test_a_message_sharing_the_millisecond_of_a_pages_oldest_is_not_lost(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    room = max_api.add(MaxChat(-5, "https://max.ru/same", "Одна секунда"))
    times = [f"2026-11-25T{h:02d}:00+07:00" for h in (20, 19, 18, 17, 16, 16, 15, 14)]
    room.messages = [max_message(room, 100 - i, when) for i, when in enumerate(times)]
    max_api.page_size = 5

    found = max_client.publications("https://max.ru/same", since=WEEK.start(), until=WEEK.end())

    assert len(found) == 8


def test_comments_under_a_message_are_read_page_after_page_with_their_author(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    room = chat(max_api)
    mid = room.messages[0]["body"]["mid"]
    max_api.comments[mid] = [
        max_comment(i, "2026-11-30T10:00+07:00", f"комментарий {i}", user_id=3000 + i)
        for i in range(1, 8)
    ]
    max_api.page_size = 3

    everything = max_client.comments(URL, post_id=mid, after=None)
    newer = max_client.comments(URL, post_id=mid, after="cmt.5")

    assert [c.id for c in everything] == [f"cmt.{i}" for i in range(1, 8)]
    assert everything[0].author == "3001"
    assert everything[0].published_at.isoformat() == "2026-11-30T03:00:00+00:00"
    assert [c.id for c in newer] == ["cmt.6", "cmt.7"]


def test_comments_of_a_message_that_is_gone_cannot_be_checked(
    max_client: MaxClient, max_api: FakeMax
) -> None:
    chat(max_api)

    with pytest.raises(CannotBeChecked):
        max_client.comments(URL, post_id="mid.nope", after=None)
