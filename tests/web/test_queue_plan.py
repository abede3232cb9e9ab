"""The IT queue is read through its partial index, so 100 rows cost 100 rows at city scale."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from services.status import registry_queue
from tests.web.conftest import City


def test_sqlite_reads_the_it_queue_through_its_partial_index(city: City) -> None:
    engine = city.srok.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("the partial index's use is SQLite's planner's question")
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM step" in statement:
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        with city.srok.transaction() as s:
            registry_queue(
                session=s, calendar=city.srok.calendar, as_of=city.srok.today(), limit=100
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)

    (statement, parameters), *_ = seen
    with engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    assert "ix_step_registry_queue" in " ".join(str(row) for row in plan)
