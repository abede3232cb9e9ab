"""Settings from the environment, resolved once per command."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.deadlines import DateRule
from domain.errors import RuleViolation

CITY_ZONE = ZoneInfo("Asia/Barnaul")


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
        env = os.environ if env is None else env
        home = Path(env.get("SROK_HOME") or "var").absolute()
        url = env.get("SROK_DATABASE_URL") or f"sqlite:///{home / 'srok.db'}"
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
            calendar_file=Path(env.get("SROK_CALENDAR_FILE") or home / "calendar.toml"),
            publication_rule=rule,
            today_override=today_override,
            anchor_file=Path(env["SROK_ANCHOR_FILE"]) if env.get("SROK_ANCHOR_FILE") else None,
        )

    def today(self) -> date:
        """Return today's date in the city (Asia/Barnaul), unless fixed by SROK_TODAY."""
        return self.today_override or datetime.now(CITY_ZONE).date()
