"""The operator extends the calendar as data: a draft becomes a covered year; bad files are named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.errors import RuleViolation
from services.calendar_source import build_calendar, draft_toml


def test_a_checked_draft_makes_its_year_covered(tmp_path: Path) -> None:
    draft = draft_toml(2027).replace("от ДД.ММ.ГГГГ № ...", "от 01.09.2026 № 9999 (проверка)")
    (tmp_path / "calendar.toml").write_text(draft, encoding="utf-8")

    calendar = build_calendar(tmp_path / "calendar.toml")

    year = calendar.year(2027)
    assert year.covered and "9999" in year.source
    assert year.working_day_count() == 247
    assert calendar.version != build_calendar(None).version


def test_the_operator_file_overrides_the_bundled_year(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(
        '[2026]\ndecree = "исправление"\ndays_off = ["2026-12-30"]\nworking_weekends = []\n',
        encoding="utf-8",
    )

    calendar = build_calendar(tmp_path / "c.toml")

    assert not calendar.is_working(date(2026, 12, 30))
    assert calendar.is_working(date(2026, 12, 31))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[2027]\ndays_off = []\n", "[2027].decree"),
        ('[2027]\ndecree = "x"\ndays_off = ["2027-02-30"]\n', "[2027].days_off"),
        ('[2027]\ndecree = "x"\ndays_off = ["2027-01-02"]\n', "[2027]"),  # a Saturday
        ('[2027]\ndecree = "x"\nholidays = []\n', "[2027]"),
        ("[year]\n", "[year]"),
        ("not toml [", "c.toml"),
    ],
)
def test_a_bad_operator_file_is_refused_naming_the_field(
    tmp_path: Path, text: str, field: str
) -> None:
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")

    with pytest.raises(RuleViolation) as error:
        build_calendar(tmp_path / "c.toml")

    assert field in error.value.field
