"""The streamed report and registry order organs as Python does, on SQLite and PostgreSQL alike.

They are read in the database's order, so a PostgreSQL collation («ё» after
«е», case folded, Latin mixed in) must not reorder them: the streamed report
is byte for byte what the in-memory one renders, and the public registry is
sorted by organ, network and address by code point.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.quarter import Quarter
from models.tables import Organ
from services.compliance import compliance_report, render
from services.compliance_stream import write_report
from services.registry import iter_public_registry
from tests.services.test_large_city import _city

NAMES = ["ёлочный отдел", "Zeta", "apple", "Ёмкий комитет", "Ель", "еда", "Яблоко", "=1+1", "Ж"]


@pytest.fixture
def city(engine: sa.Engine) -> sa.Engine:
    _city(engine, 7 * len(NAMES))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The test server's database is C.UTF-8; a city's is likely Russian.
            conn.exec_driver_sql(
                'ALTER TABLE organ ALTER COLUMN name TYPE text COLLATE "ru-RU-x-icu"'
            )
        for organ, name in enumerate(NAMES, start=1):
            conn.execute(sa.update(Organ).where(Organ.id == organ).values(name=name))  # type: ignore[arg-type]
    return engine


@pytest.mark.parametrize("fmt", ["html", "csv", "json"])
def test_the_streamed_report_is_the_in_memory_one_whatever_the_collation(
    city: sa.Engine, calendar: WorkingCalendar, fmt: str
) -> None:
    quarter, as_of = Quarter(2026, 4), date(2026, 12, 1)
    sink = io.BytesIO()

    with Session(city) as session:
        write_report(
            session=session, calendar=calendar, quarter=quarter, as_of=as_of, fmt=fmt, sink=sink
        )
        whole = compliance_report(session=session, calendar=calendar, quarter=quarter, as_of=as_of)

    assert sink.getvalue() == render(whole, fmt)


def test_the_public_registry_lists_organs_by_code_point_whatever_the_collation(
    city: sa.Engine,
) -> None:
    with Session(city) as session:
        entries = list(iter_public_registry(session, on=date(2026, 12, 1), batch=5))

    keys = [(e.organ, e.network, e.url, e.account_id) for e in entries]
    assert keys == sorted(keys) and {e.organ for e in entries} == set(NAMES)
