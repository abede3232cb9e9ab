"""Each п. 2.5 rule on the cases the notes name: what it catches, what it must leave alone."""

from __future__ import annotations

import pytest

from moderation.classifier import classify, classify_many
from moderation.flags import Flag
from moderation.snils import is_valid_snils


def flags_of(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.fragment, f.rule) for f in classify(text).flags]


@pytest.mark.parametrize(
    "text",
    [
        "оскорблять",
        "застрахуйте дом",
        "хлебать суп",
        "не психуй",
        "команда волонтёров",
        "разгребать снег",
        "у корабля",
        "клуб. Ляпин",
        "сукно и барсука",
        "депутатские дебаты",
        "обрезали сучки",
        "употреблять",
        # found by running every word form of pymorphy3's dictionary through the rules
        "Анна Олеговна",
        "плохую дорогу, сухую траву, тихую улицу",
        "неблагоустроенный двор",
        "потреблять и ослаблять",
        "икебана и кулебака",
        "Нормандия, саламандра, мандарин",
        "в корчме",
        "**Доставка остановлена**",
    ],
)
def test_ordinary_words_the_library_trips_on_are_not_obscene(text: str) -> None:
    assert flags_of(text) == []


@pytest.mark.parametrize(
    ("text", "fragment", "rule"),
    [
        ("ну и х у й с ним", "х у й", "obscene.lexicon"),
        ("ну и х.у.й", "х.у.й", "obscene.lexicon"),
        ("xyйня", "xyйня", "obscene.lexicon"),
        ("сука", "сука", "obscene.extra"),
        ("б**дь", "б**дь", "obscene.masked"),
        ("п*дарасы", "п*дарасы", "obscene.masked"),
        ("«Бл@ть!»", "Бл@ть", "obscene.masked"),
    ],
)
def test_disguised_obscene_words_are_flagged_as_written(
    text: str, fragment: str, rule: str
) -> None:
    assert flags_of(text) == [("obscene", fragment, rule)]


@pytest.mark.parametrize(
    ("text", "fragment", "rule"),
    [
        ("Звоните 8-913-123-45-67", "*-***-***-**-67", "personal_data.phone"),
        ("почта ivan.petrov@mail.ru", "i***@mail.ru", "personal_data.email"),
        ("СНИЛС 112-233-445 95", "***-***-*** 95", "personal_data.snils"),
        ("ИНН 500100732259.", "**********59", "personal_data.inn"),
        ("ОГРНИП 304500116000157", "*************57", "personal_data.ogrnip"),
        ("паспорт 01 23 456789", "** ** ****89", "personal_data.passport"),
        ("ул. Ленина, д. 5, кв. 12", "ул. Ленина, д. *, кв. **", "personal_data.address"),
    ],
)
def test_personal_data_is_flagged_and_shown_only_masked(
    text: str, fragment: str, rule: str
) -> None:
    verdict = classify(text)

    assert [(f.fragment, f.rule) for f in verdict.flags] == [(fragment, rule)]
    assert fragment in verdict.text
    assert text[verdict.flags[0].start : verdict.flags[0].end] not in verdict.text


@pytest.mark.parametrize(
    "text",
    [
        "Приём 01.12.2026 в 14:00",
        "Смета 1 250 000 руб.",
        "программа на 2025-2026 годы",
        "квартира 100 кв. м",
        "на 7 квартале с 8 до 17",
        "Заявка № 123456789012",
        "СНИЛС 112-233-445 96",
        "ИНН 500100732258",
        "ИНН организации 7707083893, ОГРН 1027700132195",
    ],
)
def test_dates_sums_areas_organisations_and_wrong_check_digits_are_not_personal_data(
    text: str,
) -> None:
    assert flags_of(text) == []


def test_a_link_with_a_phone_in_it_shows_the_phone_masked_in_every_flag() -> None:
    verdict = classify("Смотрите a-news.ru/ads/89131234567 и t.me/a_news")

    shown = [flag.fragment for flag in verdict.flags]

    assert not any("1234567" in fragment for fragment in [*shown, verdict.text])
    assert "a-news.ru/ads/*********67" in verdict.text


def test_the_snils_check_follows_the_mod_101_rule() -> None:
    assert is_valid_snils("11223344595")
    assert not is_valid_snils("11223344596")
    assert not is_valid_snils("00100100100")  # issued before the check existed


def test_one_link_is_a_citizen_pointing_two_are_spam() -> None:
    one = flags_of("Видео с ямой: https://vk.com/video-1_2")
    two = flags_of("Смотрите https://a-news.ru и t.me/a_news.")

    assert one == []
    assert [(fragment, rule) for _, fragment, rule in two] == [
        ("https://a-news.ru", "spam.links"),
        ("t.me/a_news", "spam.links"),
    ]


def test_government_sites_bare_network_names_and_mailboxes_do_not_count_as_links() -> None:
    assert flags_of("Смотрите gosuslugi.ru и novoaltaysk.ru") == []
    assert flags_of("Почему вас нет на ok.ru, только на vk.com?") == []
    assert [rule for _, _, rule in flags_of("Пишите a@mail.ru и t.me/x_news")] == [
        "personal_data.email"
    ]


def test_a_comment_three_times_in_a_batch_is_spam_but_a_short_thanks_is_not() -> None:
    texts = ["Вступайте в нашу группу, там вся правда о городе!"] * 3 + ["Спасибо!"] * 3

    rules = [[f.rule for f in v.flags] for v in classify_many(texts)]

    assert rules == [["spam.repeated"]] * 3 + [[]] * 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Поставьте лайк, пожалуйста!", "Поставьте лайк"),
        ("Добавляйтесь в друзья", "Добавляйтесь в друзья"),
        ("Примите участие в опросе", "Примите участие в опросе"),
        ("Прошу проголосовать за проект", "проголосовать"),
        ("Голосуем за сквер!", "Голосуем"),
    ],
)
def test_requests_to_like_befriend_vote_or_answer_a_poll_match_in_any_word_form(
    text: str, fragment: str
) -> None:
    assert flags_of(text) == [("engagement", fragment, "engagement.request")]


@pytest.mark.parametrize(
    "text",
    [
        "Как проголосовать?",
        "Я проголосовала за сквер",
        "Поставьте лавочки",
        "Примите меры",
        "Поставили лайк всей семьёй",
        "Мой друг живёт рядом",
    ],
)
def test_questions_reports_and_other_requests_are_not_engagement(text: str) -> None:
    assert flags_of(text) == []


def test_a_flag_becomes_the_three_keys_the_json_promises() -> None:
    flag = Flag("spam", "t.me/x", "spam.links", 0, 6)

    assert flag.as_dict() == {"category": "spam", "fragment": "t.me/x", "rule": "spam.links"}
