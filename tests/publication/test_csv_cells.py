"""CSV that srok writes cannot carry a formula into a spreadsheet (issue 8, item 17)."""

from __future__ import annotations

import csv
import io

import pytest

from publication.csv_cells import csv_bytes
from publication.opendata import Passport


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "+7 000", "-1+1", "@SUM(A1)", "\tx", "\rx"]
)
def test_a_text_cell_that_could_start_a_formula_is_written_as_text(cell: str) -> None:
    written = csv_bytes([[cell, 5]]).decode("utf-8")

    row = next(csv.reader(io.StringIO(written)))

    assert row == ["'" + cell, "5"]


def test_open_data_and_the_compliance_csv_both_neutralise_cells() -> None:
    from publication.compliance_html import render_csv

    report = {
        "quarter": "2026Q4",
        "organs": {
            "=cmd|' /C calc'!A0": {
                "3.1": {
                    "due": 1,
                    "on_time": 1,
                    "late": 0,
                    "late_days": 0,
                    "overdue": 0,
                    "pending": 0,
                    "reminders": 0,
                    "on_time_rate": 1.0,
                }
            }
        },
    }

    text = render_csv(report).decode("utf-8")

    assert "\r\n2026Q4,'=cmd|' /C calc'!A0,3.1," in text


def test_an_organ_named_like_a_formula_is_text_in_the_open_data_set() -> None:
    from datetime import date

    from publication.opendata import render

    passport = Passport(
        identifier="x",
        creator="x",
        publisher="x",
        publisher_phone="+7 3853 00-00-00",
        publisher_mbox="it@example.invalid",
        created=date(2026, 12, 1),
        modified=date(2026, 12, 1),
        valid=date(2027, 1, 25),
        quarter_words="IV квартал",
    )
    row = {
        "organ": '=HYPERLINK("http://x")',
        "network": "ВКонтакте",
        "url": "https://vk.com/x",
        "created_on": "2026-11-20",
        "previous": [],
        "entered_on": "2026-11-25",
    }

    files = render([row], passport)

    data = next(v for k, v in files.items() if k.startswith("data-")).decode("utf-8")
    meta = files["meta.csv"].decode("utf-8")
    assert "'=HYPERLINK" in data and ",=HYPERLINK" not in data
    assert "publisherphone,'+7 3853 00-00-00" in meta
