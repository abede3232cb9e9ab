"""П. 3.1: which links on an organ's page name a social-network account, in canonical form."""

from __future__ import annotations

from domain.unnotified import SocialLink, social_links, unnotified

PAGE = "https://novoaltaysk.ru/kultura/"


def _urls(*hrefs: str) -> list[str]:
    return [link.url for link in social_links(hrefs, base=PAGE)]


def test_an_account_typed_two_ways_is_one_account_in_its_canonical_form() -> None:
    assert _urls("https://m.vk.com/Kultura_NVL/", "http://vk.ru/kultura_nvl") == [
        "https://vk.com/kultura_nvl"
    ]


def test_every_network_srok_knows_is_read_and_other_sites_are_not() -> None:
    assert _urls(
        "https://odnoklassniki.ru/group/555/",
        "http://telegram.me/kultura_nvl",
        "https://max.ru/kultura_nvl",
        "https://rutube.ru/channel/123/",
        "https://zen.yandex.ru/kultura_nvl",
        "https://gosuslugi.ru/kultura",
        "/kultura/news",
    ) == [
        "https://ok.ru/group/555",
        "https://t.me/kultura_nvl",
        "https://max.ru/kultura_nvl",
        "https://rutube.ru/channel/123",
        "https://dzen.ru/kultura_nvl",
    ]


def test_share_buttons_posts_videos_invites_and_front_pages_are_not_accounts() -> None:
    assert (
        _urls(
            "https://vk.com/share.php?url=https%3A%2F%2Fnovoaltaysk.ru",
            "https://vk.com/wall-123_45",
            "https://vk.com/video-123_456",
            "https://rutube.ru/video/abc/",
            "https://t.me/+AbCdEf",
            "https://t.me/share/url?url=x",
            "https://vk.com/",
            "mailto:kultura@example.invalid",
        )
        == []
    )


def test_the_telegram_preview_address_names_the_channel_itself() -> None:
    assert _urls("https://t.me/s/kultura_nvl") == ["https://t.me/kultura_nvl"]


def test_links_are_kept_once_with_the_address_the_page_gave() -> None:
    links = social_links(["//vk.com/kultura_nvl", "https://vk.com/kultura_nvl"], base=PAGE)

    assert links == [SocialLink("vk", "https://vk.com/kultura_nvl", "https://vk.com/kultura_nvl")]


def test_only_accounts_srok_does_not_know_are_unnotified() -> None:
    links = social_links(["https://vk.com/a", "https://t.me/b"], base=PAGE)

    assert unnotified(links, {"https://vk.com/a"}) == [links[1]]
