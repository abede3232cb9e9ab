"""Settings from the environment, resolved once per command."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.dates import CITY_TIMEZONE
from domain.deadlines import DateRule
from domain.errors import RuleViolation

CITY_ZONE = ZoneInfo(CITY_TIMEZONE)


@dataclass(frozen=True)
class Settings:
    """Where srok keeps its data and how it counts.

    SROK_HOME (default ./var) holds the SQLite database and the operator's
    calendar file; SROK_DATABASE_URL overrides the database (PostgreSQL in
    production); SROK_CALENDAR_FILE overrides the calendar file;
    SROK_PUBLICATION_RULE is ``art193`` (default) or ``strict`` for п. 3.5;
    SROK_TODAY fixes "today" for rehearsals and tests; SROK_ANCHOR_FILE moves
    the file of audit anchors (default $SROK_HOME/anchors/audit-head.txt).
    """

    home: Path
    database_url: str
    calendar_file: Path
    publication_rule: DateRule
    today_override: date | None = None
    anchor_file: Path | None = None  # SROK_ANCHOR_FILE: the audit head after each day's sweep

    @property
    def anchors(self) -> Path:
        """Where the audit chain's heads are appended, outside the database."""
        return self.anchor_file or self.home / "anchors" / "audit-head.txt"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings, each checked as it is read and named by its variable if wrong."""
        env = os.environ if env is None else env
        home = _home(env.get("SROK_HOME") or "var")
        url = _database_url(env.get("SROK_DATABASE_URL")) or f"sqlite:///{home / 'srok.db'}"
        rule_text = env.get("SROK_PUBLICATION_RULE", DateRule.ART_193.value)
        try:
            rule = DateRule(rule_text)
        except ValueError:
            raise RuleViolation(
                "SROK_PUBLICATION_RULE", f"«{rule_text}» — допустимо art193 или strict", "3.5"
            ) from None
        today = env.get("SROK_TODAY")
        try:
            today_override = date.fromisoformat(today) if today else None
        except ValueError:
            raise RuleViolation(
                "SROK_TODAY", f"«{today}» — не дата (ожидается ГГГГ-ММ-ДД)"
            ) from None
        return cls(
            home=home,
            database_url=url,
            calendar_file=_calendar_file(env.get("SROK_CALENDAR_FILE"), home),
            publication_rule=rule,
            today_override=today_override,
            anchor_file=Path(env["SROK_ANCHOR_FILE"]) if env.get("SROK_ANCHOR_FILE") else None,
        )

    def today(self) -> date:
        """Return today's date in the city (Asia/Barnaul), unless fixed by SROK_TODAY."""
        return self.today_override or datetime.now(CITY_ZONE).date()


# The databases srok runs on: SQLite (one machine) and PostgreSQL (production).
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def _home(text: str) -> Path:
    if any(ord(ch) < 32 for ch in text):
        raise RuleViolation("SROK_HOME", "в пути управляющий символ")
    home = Path(text).absolute()
    if home.exists() and not home.is_dir():
        raise RuleViolation("SROK_HOME", f"«{home}» — файл, а не папка")
    return home


def _database_url(text: str | None) -> str | None:
    """Check SROK_DATABASE_URL's form (sqlite:///path or postgresql://...), not its reach."""
    if not text:
        return None
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in DATABASE_SCHEMES:
        shown = scheme if sep else text
        raise RuleViolation(
            "SROK_DATABASE_URL",
            f"«{shown[:40]}» — srok работает с sqlite:///путь или postgresql://хост/база",
        )
    if scheme.lower() == "sqlite" and rest not in ("", "/:memory:") and not rest.startswith("/"):
        raise RuleViolation("SROK_DATABASE_URL", "для SQLite ожидается sqlite:///путь/к/файлу.db")
    if scheme.lower() != "sqlite" and not rest.strip("/"):
        raise RuleViolation("SROK_DATABASE_URL", "не указан сервер PostgreSQL")
    return text


def _calendar_file(text: str | None, home: Path) -> Path:
    """The operator's decree table: a file named in SROK_CALENDAR_FILE must exist."""
    if not text:
        return home / "calendar.toml"
    path = Path(text)
    if not path.exists():
        raise RuleViolation(
            "SROK_CALENDAR_FILE",
            f"«{path}» — файла нет: постановления из него не загружены бы, "
            "и сроки считались бы без них",
        )
    if not path.is_file():
        raise RuleViolation("SROK_CALENDAR_FILE", f"«{path}» — не файл")
    return path
