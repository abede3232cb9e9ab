"""The VK client against a local stand-in of api.vk.ru in the 5.199 shapes."""

from __future__ import annotations

import pytest

from domain.posting import IsoWeek, count_week
from networks.base import CannotBeChecked, NotChecked
from networks.fakes import FakeVk, VkGroup, vk_comment, vk_post
from networks.vk import VkClient

WEEK = IsoWeek(2026, 48)  # 23.11–29.11.2026 in Barnaul
URL = "https://vk.com/kultura_nvl"


def busy_group(api: FakeVk, per_day: int = 3) -> VkGroup:
    """A group with a pinned post from last year on top, then 3 posts a day for three weeks."""
    group = api.add(VkGroup(id=555, screen_name="kultura_nvl", name="Культура Новоалтайска"))
    posts = [vk_post(group, 1, "2025-01-10T10:00+07:00", is_pinned=1)]
    number = 1000
    for day in range(30, 8, -1):  # 30.11 down to 09.11, newest first
        for hour in (20, 14, 9):
            if len(posts) > per_day * 30:
                break
            number -= 1
            posts.append(vk_post(group, number, f"2026-11-{day:02d}T{hour:02d}:00+07:00"))
    group.posts = posts
    return group


def test_the_week_is_counted_across_pages_and_the_old_pinned_post_does_not_stop_paging(
    vk: VkClient, vk_api: FakeVk
) -> None:
    busy_group(vk_api)

    found = vk.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 21
    assert len([r for r in vk_api.requests if r[0].endswith("wall.get")]) == 1
    assert all(r[1].get("domain") == "kultura_nvl" for r in vk_api.requests)


def test_paging_goes_on_past_the_first_hundred_posts(vk: VkClient, vk_api: FakeVk) -> None:
    group = vk_api.add(VkGroup(id=7, screen_name="busy", name="Много постов"))
    group.posts = [
        vk_post(
            group,
            500 - i,
            f"2026-11-{29 - i // 30:02d}T{(i % 30) // 2 + 8:02d}:{(i % 2) * 30:02d}+07:00",
        )
        for i in range(150)
    ]

    found = vk.publications("https://vk.com/busy", since=WEEK.start(), until=WEEK.end())

    assert len(found) == 150
    offsets = [r[1]["offset"] for r in vk_api.requests]
    assert offsets == ["0", "100"]


def test_a_numeric_club_address_is_asked_by_owner_id(vk: VkClient, vk_api: FakeVk) -> None:
    busy_group(vk_api)

    vk.publications("https://vk.com/club555", since=WEEK.start(), until=WEEK.end())

    assert vk_api.requests[0][1]["owner_id"] == "-555"


def test_the_token_travels_in_the_header_and_not_in_the_address(
    vk: VkClient, vk_api: FakeVk
) -> None:
    busy_group(vk_api)

    vk.description(URL)

    _, query, headers = vk_api.requests[0]
    assert "access_token" not in query
    assert headers["authorization"] == "Bearer service-token"
    assert query["v"] == "5.199"


def test_reposts_visitors_and_postponed_posts_are_reported_with_their_kind(
    vk: VkClient, vk_api: FakeVk
) -> None:
    group = vk_api.add(VkGroup(id=9, screen_name="mix", name="Смесь"))
    group.posts = [
        vk_post(group, 5, "2026-11-27T10:00+07:00", post_type="postpone"),
        vk_post(group, 4, "2026-11-26T10:00+07:00", copy_history=[{"id": 1}], text=""),
        vk_post(
            group, 3, "2026-11-25T10:00+07:00", copy_history=[{"id": 2}], text="Наш комментарий"
        ),
        vk_post(group, 2, "2026-11-24T10:00+07:00", from_id=12345),
        vk_post(group, 1, "2026-11-23T10:00+07:00"),
    ]

    found = vk.publications("https://vk.com/mix", since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 2  # the own post and the repost with own text
    assert count_week(found, WEEK).seen == 5


def test_a_rate_limit_is_waited_out(vk: VkClient, vk_api: FakeVk) -> None:
    busy_group(vk_api)
    vk_api.faults += ["rate", "rate"]

    found = vk.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert len(found) == 21
    assert len(vk_api.requests) == 3


def test_a_rate_limit_that_never_lifts_leaves_the_account_unchecked(
    vk: VkClient, vk_api: FakeVk
) -> None:
    busy_group(vk_api)
    vk_api.faults += ["rate"] * 4

    with pytest.raises(NotChecked, match="код 6") as caught:
        vk.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert not caught.value.stop


def test_an_expired_token_stops_the_network_with_a_clear_message(
    vk: VkClient, vk_api: FakeVk
) -> None:
    busy_group(vk_api)
    vk_api.faults.append("token")

    with pytest.raises(NotChecked, match="SROK_VK_TOKEN") as caught:
        vk.publications(URL, since=WEEK.start(), until=WEEK.end())

    assert caught.value.stop
    assert len(vk_api.requests) == 1


def test_a_server_error_malformed_json_and_a_timeout_are_each_a_reason(
    vk: VkClient, vk_api: FakeVk
) -> None:
    busy_group(vk_api)
    reasons = []

    for fault in ("500", "garbage", "slow"):
        vk_api.faults.append(fault)
        with pytest.raises(NotChecked) as caught:
            vk.description(URL)
        reasons.append(caught.value.reason)

    assert "ошибкой сервера 502" in reasons[0]
    assert "не JSON" in reasons[1]
    assert "не ответил за 0.5 с" in reasons[2]


def test_an_unknown_group_cannot_be_checked_but_the_network_is_not_down(vk: VkClient) -> None:
    with pytest.raises(CannotBeChecked) as caught:
        vk.description("https://vk.com/nobody")

    assert not caught.value.network_down


def test_the_description_joins_text_contacts_and_main_address(vk: VkClient, vk_api: FakeVk) -> None:
    group = busy_group(vk_api)
    group.description = "Комитет по культуре Администрации г. Новоалтайска"
    group.contacts = [
        {
            "user_id": 1,
            "desc": "Приёмная",
            "phone": "8 (38532) 2-11-11",
            "email": "kultura@example.ru",
        }
    ]
    group.main_address = {
        "id": 1,
        "title": "Комитет",
        "address": "ул. Октябрьская, 29",
        "city": {"id": 1, "title": "Новоалтайск"},
        "phone": "+7 38532 2-22-22",
    }

    seen = vk.description(URL)

    assert "Октябрьская, 29" in seen.text
    assert seen.phones == ("8 (38532) 2-11-11", "+7 38532 2-22-22")
    assert seen.emails == ("kultura@example.ru",)


def test_the_old_response_shape_of_groups_get_by_id_is_read_too() -> None:
    from networks.fakes import serve
    from tests.networks.conftest import transport

    for api in serve(FakeVk(old_shape=True)):
        assert isinstance(api, FakeVk)
        api.add(VkGroup(id=1, screen_name="x", name="Икс", description="Описание"))
        client = VkClient(transport(api.url + "/method", "ВКонтакте"), token=api.token)

        seen = client.description("https://vk.com/x")

        client.close()
        assert seen.text == "Описание"


def test_comments_newer_than_the_cursor_are_returned(vk: VkClient, vk_api: FakeVk) -> None:
    vk_api.comments["-555_10"] = [
        {
            "id": i,
            "from_id": 100 + i,
            "date": 1795000000 + i,
            "text": f"комментарий {i}",
            "post_id": 10,
            "owner_id": -555,
            "parents_stack": [],
            "thread": {"count": 0, "items": []},
        }
        for i in range(1, 6)
    ]

    found = vk.comments(URL, post_id="-555_10", after="3")

    assert [c.id for c in found] == ["4", "5"]


def test_a_deleted_comment_kept_as_a_threads_root_is_not_returned(
    vk: VkClient, vk_api: FakeVk
) -> None:
    group = vk_api.add(VkGroup(id=555, screen_name="kultura_nvl", name="Культура"))
    vk_api.add_comment(group, 10, vk_comment(group, 10, 1, "2026-11-30T10:00+07:00", "первый"))
    vk_api.add_comment(
        group, 10, vk_comment(group, 10, 2, "2026-11-30T11:00+07:00", "", deleted=True)
    )

    found = vk.comments(URL, post_id="-555_10", after=None)

    assert [(c.id, c.text, c.author) for c in found] == [("1", "первый", "1001")]
