"""No statement takes one parameter per account: a city past 65,535 ids still reports and publishes.

psycopg refuses a statement with more than 65,535 parameters and SQLite's limit is
lower still; a list of every step or account id in an ``IN`` broke the compliance
report and the public registry at about 30,000 accounts on PostgreSQL.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.deadlines import DateRule
from domain.quarter import Quarter
from models.tables import Account, AccountAddress, Cycle, Organ, Step, utcnow
from services.audit import iter_log
from services.compliance import compliance_report
from services.compliance_stream import write_report
from services.publish import PublishResult, publish
from services.registry import iter_internal_registry, public_registry
from services.status import iter_step_views, most_overdue, status_summary
from tests.conftest import PG_URL

ACCOUNTS = 70_000  # more ids than any one statement may carry
NETWORKS = ("vk", "ok", "telegram", "max", "rutube", "dzen", "other")
PUBLISHED = date(2027, 1, 11)  # 2026Q4 is published after it ends


def _city(engine: sa.Engine, accounts: int) -> None:
    now = utcnow()
    created, entered = date(2026, 10, 1), date(2026, 10, 8)
    organs = accounts // len(NETWORKS)
    rows: dict[Any, list[dict[str, Any]]] = {
        Organ: [
            {"id": o, "name": f"Орган {o}", "name_key": f"орган {o}", "created_at": now}
            for o in range(1, organs + 1)
        ],
        Account: [],
        AccountAddress: [],
        Cycle: [],
        Step: [],
    }
    for a in range(1, accounts + 1):
        net = NETWORKS[(a - 1) % len(NETWORKS)]
        url = f"https://example.org/{net}/a{a}"
        rows[Account].append(
            {
                "id": a,
                "organ_id": (a - 1) // len(NETWORKS) + 1,
                "network": net,
                "network_key": net if net != "other" else "other:example.org",
                "url": url,
                "created_on": created,
                "active": True,
                "created_at": now,
            }
        )
        rows[AccountAddress].append({"account_id": a, "url": url, "valid_from": created})
        rows[Cycle].append(
            {
                "id": a,
                "account_id": a,
                "kind": "creation",
                "occurred_on": created,
                "summary": "создан",
                "created_at": now,
            }
        )
        for n, (clause, due, done) in enumerate(
            (
                ("3.4", entered, entered),
                ("1.4", date(2026, 10, 8), None),
                ("3.5", date(2027, 1, 25), None),
            )
        ):
            rows[Step].append(
                {
                    "id": 3 * a - 2 + n,
                    "cycle_id": a,
                    "account_id": a,
                    "clause": clause,
                    "counted_from": created,
                    "due": due,
                    "provisional": False,
                    "done_on": done,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    with engine.begin() as conn:
        for table, values in rows.items():
            conn.execute(sa.insert(table), values)
    if engine.dialect.name == "postgresql":
        # As autovacuum would after a load: without statistics the planner takes the
        # fresh tables for empty and streams the Registry through nested loops (minutes).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _parameters_per_statement(engine: sa.Engine) -> list[int]:
    """Record how many parameters each statement sent to the database carries."""
    counts: list[int] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def count(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if not many:
            counts.append(len(params) if params else 0)

    return counts


def test_no_query_of_the_report_status_registry_publication_or_log_grows_with_the_city(
    engine: sa.Engine, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(engine, 700)
    counts = _parameters_per_statement(engine)

    with Session(engine) as session:
        compliance_report(
            session=session, calendar=calendar, quarter=Quarter(2026, 4), as_of=date(2026, 12, 1)
        )
        public_registry(session, on=date(2026, 12, 1))
        status_summary(session=session, as_of=date(2026, 12, 1))
        most_overdue(session=session, calendar=calendar, as_of=date(2026, 12, 1))
        list(iter_step_views(session=session, calendar=calendar, as_of=date(2026, 12, 1)))
        list(iter_internal_registry(session, batch=50))
        _publish(session, calendar, tmp_path)
        list(iter_log(session, batch=50))
        for fmt in ("html", "csv", "json"):
            _report(session, calendar, fmt)
            _report(session, calendar, fmt, organ_id=3)

    # A fixed number whatever the size: the SQL-counted tallies carry 23 dates and constants.
    assert counts and max(counts) < 30, sorted(counts)[-5:]


def _report(
    session: Session, calendar: WorkingCalendar, fmt: str, organ_id: int | None = None
) -> bytes:
    """The report as `srok report compliance` writes it: streamed."""
    sink = io.BytesIO()
    write_report(
        session=session,
        calendar=calendar,
        quarter=Quarter(2026, 4),
        as_of=date(2026, 12, 1),
        fmt=fmt,
        sink=sink,
        organ_id=organ_id,
    )
    return sink.getvalue()


def _publish(session: Session, calendar: WorkingCalendar, out: Path) -> PublishResult:
    return publish(
        session=session,
        calendar=calendar,
        quarter_text="2026Q4",
        on=PUBLISHED,
        out=out,
        rule=DateRule.ART_193,
        actor="тест",
        today=PUBLISHED,
    )


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="SROK_TEST_DATABASE_URL is not set")
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_a_city_past_65535_ids_gets_its_report_its_registry_and_its_publication(
    engine: sa.Engine, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(engine, ACCOUNTS)

    with Session(engine) as session:
        report = compliance_report(
            session=session, calendar=calendar, quarter=Quarter(2026, 4), as_of=date(2026, 12, 1)
        )
        public = public_registry(session, on=date(2026, 12, 1))
        internal = sum(1 for _ in iter_internal_registry(session))
        streamed = json.loads(_report(session, calendar, "json"))
        published = _publish(session, calendar, tmp_path)
        session.commit()
    with Session(engine) as session:
        still_open = session.execute(
            sa.select(sa.func.count()).where(Step.clause == "3.5", Step.done_on.is_(None))  # type: ignore[union-attr]
        ).scalar_one()
        closed_in_log = sum(1 for e in iter_log(session) if e["action"] == "step.closed")

    assert report.overall.judged == 2 * ACCOUNTS and report.late_now_total == ACCOUNTS
    assert streamed == json.loads(json.dumps(report.as_dict()))
    assert len(public) == ACCOUNTS and internal == ACCOUNTS
    assert published.rows == ACCOUNTS and published.closed_steps == ACCOUNTS
    assert still_open == 0 and closed_in_log == ACCOUNTS
