"""The deputy head's compliance report in headless Chromium: accessible, fits a phone, prints."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from services.compliance import compliance_report, render
from tests.browser_pw import assert_accessible, assert_no_horizontal_scroll, print_pdf
from tests.services.test_compliance import AS_OF, _example


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_html_report_passes_axe_fits_390_px_and_prints(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, page: Any
) -> None:
    _example(engine, session, calendar)
    report = compliance_report(
        session=session, calendar=calendar, quarter=Quarter(2026, 4), as_of=AS_OF
    )
    page.set_content(render(report, "html").decode())

    assert_accessible(page)
    assert_no_horizontal_scroll(page, 390)
    assert_accessible(page)
    assert print_pdf(page).startswith(b"%PDF-")
