"""The Odnoklassniki client against a local fb.do that checks the md5 signature."""

from __future__ import annotations

import pytest

from domain.posting import IsoWeek, count_week
from networks.base import CannotBeChecked, NotChecked
from networks.fakes import FakeOk, OkGroup, ok_comment, ok_topic
from networks.ok import OkClient, secret_key, signature

WEEK = IsoWeek(2026, 48)


def test_the_signature_matches_the_documented_test_vector() -> None:
    key = secret_key(
        access_token="-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",
        application_secret_key="ABC123DEF456GHI789JKL123",
    )
    params = {
        "application_key": "ABCDEFGHIGKLMNOPK",
        "format": "json",
        "method": "events.get",
        "access_token": "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7",
    }

    sig = signature(params, secret=key)

    assert key == "b1a2b89707a94624c43afae67d59274c"
    assert sig == "232c8eb921951c4dba9b72606f9ddb4c"


def test_without_a_session_the_application_secret_signs() -> None:
    assert secret_key(access_token=None, application_secret_key="S") == "S"


def group_with_topics(api: FakeOk) -> OkGroup:
    group = api.add(OkGroup(uid="555", name="Культура", shortname="kultura_nvl"))
    topics = [ok_topic(group, 1, "2025-03-01T10:00+07:00", is_pinned=True)]  # old, on top
    for i, day in enumerate(range(30, 15, -1)):
        topics.append(ok_topic(group, 100 - i, f"2026-11-{day:02d}T12:00+07:00"))
        topics.append(ok_topic(group, 200 - i, f"2026-11-{day:02d}T08:00+07:00"))
    group.topics = topics
    return group


def test_topics_are_paged_by_anchor_past_an_old_pinned_topic(ok: OkClient, ok_api: FakeOk) -> None:
    group_with_topics(ok_api)
    ok_api.page_size = 10

    found = ok.publications("https://ok.ru/group/555", since=WEEK.start(), until=WEEK.end())

    assert count_week(found, WEEK).posts == 14
    anchors = [q.get("anchor") for _, q, _ in ok_api.requests]
    assert anchors == [None, "10"]


def test_a_named_group_is_resolved_with_url_get_info(ok: OkClient, ok_api: FakeOk) -> None:
    group_with_topics(ok_api)

    found = ok.publications("https://ok.ru/kultura_nvl", since=WEEK.start(), until=WEEK.end())

    assert len(found) == 14
    assert ok_api.requests[0][1]["method"] == "url.getInfo"


def test_a_reshare_without_text_is_a_bare_repost(ok: OkClient, ok_api: FakeOk) -> None:
    group = ok_api.add(OkGroup(uid="9", name="Смесь"))
    group.topics = [
        ok_topic(group, 2, "2026-11-25T10:00+07:00", media=[{"type": "reshare"}]),
        ok_topic(group, 1, "2026-11-24T10:00+07:00", author_ref="user:42"),
    ]

    found = ok.publications("https://ok.ru/group/9", since=WEEK.start(), until=WEEK.end())

    assert [(p.repost, p.own_text, p.by_account) for p in found] == [
        (True, False, True),
        (False, True, False),
    ]


def test_the_description_is_read_from_a_bare_array(ok: OkClient, ok_api: FakeOk) -> None:
    ok_api.add(
        OkGroup(
            uid="555",
            name="Культура",
            description="Телефон 8 (38532) 2-11-11",
            address="ул. Октябрьская, 29",
        )
    )

    seen = ok.description("https://ok.ru/group/555")

    assert seen.title == "Культура"
    assert "Октябрьская" in seen.text and "2-11-11" in seen.text


def test_flood_control_is_waited_out(ok: OkClient, ok_api: FakeOk) -> None:
    group_with_topics(ok_api)
    ok_api.faults.append("rate")

    found = ok.publications("https://ok.ru/group/555", since=WEEK.start(), until=WEEK.end())

    assert len(found) == 14


def test_an_expired_session_stops_the_network(ok: OkClient, ok_api: FakeOk) -> None:
    ok_api.faults.append("token")

    with pytest.raises(NotChecked, match="SROK_OK_TOKEN") as caught:
        ok.description("https://ok.ru/group/555")

    assert caught.value.stop


def test_a_wrong_secret_is_refused_by_the_signature_check(ok_api: FakeOk) -> None:
    from tests.networks.conftest import transport

    client = OkClient(
        transport(ok_api.url + "/fb.do", "Одноклассники"),
        app_key=ok_api.app_key,
        secret="WRONG",
        token=ok_api.token,
    )

    with pytest.raises(NotChecked, match="подпись не принята"):
        client.description("https://ok.ru/group/555")
    client.close()


@pytest.mark.parametrize(
    ("fault", "words"), [("500", "502"), ("garbage", "не JSON"), ("slow", "не ответил")]
)
def test_a_failing_server_leaves_the_account_unchecked(
    ok: OkClient, ok_api: FakeOk, fault: str, words: str
) -> None:
    ok_api.faults.append(fault)

    with pytest.raises(NotChecked, match=words):
        ok.description("https://ok.ru/group/555")


def test_an_unknown_group_cannot_be_checked(ok: OkClient) -> None:
    with pytest.raises(CannotBeChecked):
        ok.publications("https://ok.ru/group/404", since=WEEK.start(), until=WEEK.end())


def test_comments_after_the_cursor(ok: OkClient, ok_api: FakeOk) -> None:
    ok_api.comments["1"] = [ok_comment("c1", "2026-11-24 03:00:00", "Спасибо")]

    everything = ok.comments("https://ok.ru/group/555", post_id="555_1", after=None)
    newer = ok.comments("https://ok.ru/group/555", post_id="555_1", after="c1")

    assert [(c.id, c.published_at.isoformat()) for c in everything] == [
        ("c1", "2026-11-24T03:00:00+00:00")
    ]
    assert newer == []


def test_comments_are_read_page_after_page(ok: OkClient, ok_api: FakeOk) -> None:
    ok_api.comments["1"] = [
        ok_comment(f"c{i}", "2026-11-24 03:00:00", f"комментарий {i}") for i in range(45)
    ]

    found = ok.comments("https://ok.ru/group/555", post_id="555_1", after=None)

    assert [c.id for c in found] == [f"c{i}" for i in range(45)]
    asked = [q for _, q, _ in ok_api.requests if q.get("method") == "discussions.getComments"]
    assert len(asked) == 3 and all(q["discussionId"] == "1" for q in asked)


def test_requests_go_to_fb_do_itself_not_a_folder_under_it(ok: OkClient, ok_api: FakeOk) -> None:
    group_with_topics(ok_api)

    ok.description("https://ok.ru/group/555")

    assert [path for path, _, _ in ok_api.requests] == ["/fb.do"]
    assert ok_api.methods == ["POST"]  # the token in a form, never in a URL
