"""п. 2.1: which publications count, and in which week (Monday–Sunday, Asia/Barnaul)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.posting import IsoWeek, Publication, count_week, counts

WEEK = IsoWeek(2026, 48)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("publication", "counted"),
    [
        (Publication("own", at("2026-11-24T10:00+07:00")), True),
        (Publication("pinned", at("2026-11-24T10:00+07:00"), pinned=True), True),
        (
            Publication("bare repost", at("2026-11-24T10:00+07:00"), repost=True, own_text=False),
            False,
        ),
        (Publication("repost with words", at("2026-11-24T10:00+07:00"), repost=True), True),
        (Publication("photo only", at("2026-11-24T10:00+07:00"), own_text=False), True),
        (Publication("postponed", at("2026-11-24T10:00+07:00"), postponed=True), False),
        (Publication("deleted", at("2026-11-24T10:00+07:00"), deleted=True), False),
        (Publication("visitor", at("2026-11-24T10:00+07:00"), by_account=False), False),
    ],
    ids=lambda v: v.id if isinstance(v, Publication) else str(v),
)
def test_each_kind_of_publication_counts_as_the_readme_says(
    publication: Publication, counted: bool
) -> None:
    assert counts(publication) is counted


def test_the_week_runs_from_monday_midnight_to_sunday_midnight_in_barnaul() -> None:
    posts = [
        Publication("sun-before", at("2026-11-22T23:59+07:00")),
        Publication("mon-first", at("2026-11-23T00:00+07:00")),
        Publication("sun-last", at("2026-11-29T23:59:59+07:00")),
        Publication("mon-after", at("2026-11-30T00:00+07:00")),
    ]

    result = count_week(posts, WEEK)

    assert result.posts == 2
    assert WEEK.start() == at("2026-11-22T17:00+00:00")


def test_a_pinned_post_counts_once_in_its_own_week_not_in_the_weeks_it_stays_pinned() -> None:
    pinned = Publication("p", at("2026-11-10T10:00+07:00"), pinned=True)

    assert count_week([pinned, pinned], IsoWeek(2026, 46)).posts == 1
    assert count_week([pinned], WEEK).posts == 0


def test_eight_is_enough_and_seven_is_a_finding() -> None:
    seven = [Publication(str(i), at(f"2026-11-2{3 + i % 7}T10:00+07:00")) for i in range(7)]
    eight = [*seven, Publication("8", at("2026-11-29T22:00+07:00"))]

    assert not count_week(seven, WEEK).ok
    assert count_week(eight, WEEK).ok
    assert count_week(seven, WEEK).explain() == (
        "неделя 23.11.2026–29.11.2026: 7 публикаций из 8 по п. 2.1 (не хватает 1)"
    )


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        ("2026-W01", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
    ],
)
def test_iso_weeks_are_read_as_iso_8601_names_them(text: str, monday: date) -> None:
    assert IsoWeek.parse(text).monday == monday
    assert str(IsoWeek.parse(text)) == text


@pytest.mark.parametrize("text", ["2026-48", "2026-W54", "2025-W53", "W48", "2026-w48x"])
def test_a_week_that_does_not_exist_is_refused_in_russian(text: str) -> None:
    with pytest.raises(ValueError, match="недел"):
        IsoWeek.parse(text)


def test_a_monday_check_reads_the_week_that_just_ended() -> None:
    assert IsoWeek.last_complete(date(2026, 11, 30)) == WEEK
    assert IsoWeek.last_complete(date(2026, 12, 1)) == WEEK
    assert IsoWeek.last_complete(date(2026, 11, 29)) == IsoWeek(2026, 47)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))
def test_every_instant_falls_in_exactly_the_week_of_its_barnaul_date(naive: datetime) -> None:
    instant = naive.replace(tzinfo=UTC)
    city_day = (instant + timedelta(hours=7)).date()  # Barnaul is UTC+7 all year

    week = IsoWeek.of(city_day)

    assert week.contains(instant)
    assert not IsoWeek.of(city_day + timedelta(days=7)).contains(instant)
