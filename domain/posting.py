"""п. 2.1: at least 8 publications a week in each account, counted per calendar week.

«В аккаунтах ... размещается не менее 8 публикаций в неделю» (п. 2.1). srok
counts the account's own publications in each ISO week, Monday 00:00 to
Sunday 24:00 in the city's time (Asia/Barnaul). How each kind counts, and why:

- a post the account wrote counts once, in the week of its publication date;
- a pinned post counts in the week it was published, not in every week it
  stays pinned: pinning publishes nothing new;
- a bare repost (another account's post shared without a word of one's own)
  does not count: it is that account's publication; a repost the account
  wrote its own text to is a publication it placed, and counts;
- a postponed (scheduled) or suggested post is not published yet: it counts
  in the week it appears, when a check after that week sees it;
- a deleted post does not count: the check sees what residents saw when the
  week was over; a post deleted after that check was already counted;
- posts by others on the account's wall are not the account's publications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.dates import CITY_TIMEZONE, ru

WEEKLY_PUBLICATIONS = "2.1"
REQUIRED_PER_WEEK = 8
_ZONE = ZoneInfo(CITY_TIMEZONE)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Publication:
    """One item on an account's wall or channel, as a network reported it.

    ``published_at`` is an aware instant. The flags say what the network
    said of it; :func:`counts` decides what they mean for п. 2.1.
    """

    id: str
    published_at: datetime
    by_account: bool = True  # written by the account itself, not a visitor on its wall
    repost: bool = False  # shares another account's post
    own_text: bool = True  # carries text of the account's own (for a repost: its comment)
    pinned: bool = False
    postponed: bool = False  # scheduled or suggested: not published yet
    deleted: bool = False


def counts(publication: Publication) -> bool:
    """Say whether a publication is one the account placed (п. 2.1); see the module doc."""
    if publication.deleted or publication.postponed or not publication.by_account:
        return False
    return not (publication.repost and not publication.own_text)


@dataclass(frozen=True, order=True)
class IsoWeek:
    """A calendar week, Monday to Sunday, named as ISO 8601 does: ``2026-W48``."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Read ``2026-W48``; raise ValueError in Russian for anything else."""
        match = _WEEK.match(text.strip())
        if not match:
            raise ValueError(f"«{text}» — не неделя (ожидается ГГГГ-Wнн, например 2026-W48)")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"«{text}» — в {year} году нет недели {week}") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """Return the week a day belongs to."""
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def last_complete(cls, today: date) -> IsoWeek:
        """Return the last week that ended before ``today``: the one a Monday check reads."""
        return cls.of(today - timedelta(days=today.isoweekday()))

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def start(self) -> datetime:
        """Return Monday 00:00 in the city, in UTC."""
        return datetime.combine(self.monday, time(), _ZONE).astimezone(UTC)

    def end(self) -> datetime:
        """Return the next Monday 00:00 in the city, in UTC (the end is excluded)."""
        return datetime.combine(self.monday + timedelta(days=7), time(), _ZONE).astimezone(UTC)

    def contains(self, instant: datetime) -> bool:
        return self.start() <= instant < self.end()

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def in_words(self) -> str:
        """Say the week for people: ``неделя 23.11.2026–29.11.2026``."""
        return f"неделя {ru(self.monday)}–{ru(self.sunday)}"


@dataclass(frozen=True)
class WeekCount:
    """How many publications of an account counted in a week, against the 8 of п. 2.1."""

    week: IsoWeek
    posts: int
    required: int = REQUIRED_PER_WEEK
    seen: int = 0  # items the network returned in the week, counted or not

    @property
    def ok(self) -> bool:
        return self.posts >= self.required

    def explain(self) -> str:
        verdict = "достаточно" if self.ok else f"не хватает {self.required - self.posts}"
        return (
            f"{self.week.in_words()}: {self.posts} публикаций из {self.required} "
            f"по п. {WEEKLY_PUBLICATIONS} ({verdict})"
        )


def count_week(publications: Iterable[Publication], week: IsoWeek) -> WeekCount:
    """Count the publications that count (п. 2.1) in the week, each id once."""
    counted: set[str] = set()
    seen: set[str] = set()
    start, end = week.start(), week.end()
    for publication in publications:
        if not start <= publication.published_at < end:
            continue
        seen.add(publication.id)
        if counts(publication):
            counted.add(publication.id)
    return WeekCount(week=week, posts=len(counted), seen=len(seen))
