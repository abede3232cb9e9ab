"""The audit trail on a real database: what is appended, what the database refuses, what verify finds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.deadlines import DateRule
from models import triggers
from models.tables import AuditEntry
from services.audit import append, head, verify_chain
from services.audit_guard import check_audit, write_anchor
from services.events import record_notice, record_registry_entry
from services.publish import finish, publish
from tests.services.helpers import ACTOR, TODAY, account, organ, specialist


def _history(session: Session, calendar: WorkingCalendar) -> int:
    o = organ(session)
    s = specialist(session, o.id or 0, 5)
    a = account(
        session, calendar, o.id or 0, created_on=date(2026, 10, 1), specialist_ids=[s.id or 0]
    )
    record_notice(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 10, 2),
        received_on=None,
        actor="Иванова",
        today=TODAY,
    )
    record_registry_entry(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        on=date(2026, 10, 5),
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    return a.id or 0


def _rows(engine: sa.Engine) -> list[dict]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(sa.text("SELECT * FROM audit_entry ORDER BY id")).mappings()
        ]


def _without_guard(engine: sa.Engine, *statements: str) -> None:
    """Tamper as a database administrator could: drop the triggers, change rows."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
            conn.exec_driver_sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_links")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_entry_no_delete")
            conn.exec_driver_sql("DROP TRIGGER audit_entry_links")
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_every_change_appends_an_entry_with_its_actor_and_clause(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)

    rows = _rows(engine)

    actions = [r["action"] for r in rows]
    assert actions[:2] == ["event.organ_added", "event.specialist_added"]
    assert actions.count("step.opened") == 4 and "event.account_created" in actions
    notice = next(r for r in rows if r["action"] == "event.notice_sent")
    assert notice["actor"] == "Иванова" and notice["account_id"] == 1
    closed = [r for r in rows if r["action"] == "step.closed"]
    assert [(r["clause"], json.loads(r["after"])["due"]) for r in closed] == [
        ("3.1", "2026-10-06"),
        ("3.4", "2026-10-09"),
    ]  # 05-09.10 after the notice of 02.10
    assert all(r["calendar_version"] == calendar.version for r in closed)
    assert verify_chain(engine).ok


def test_no_entry_carries_a_specialists_personal_data(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)

    text = json.dumps(_rows(engine), ensure_ascii=False, default=str)

    assert (
        "Тестов Тест 5" not in text and "test5@example.invalid" not in text and "00-05" not in text
    )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET actor = 'x' WHERE id = 1", "DELETE FROM audit_entry WHERE id = 1"],
)
def test_the_database_refuses_to_change_or_remove_an_entry(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, statement: str
) -> None:
    _history(session, calendar)

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.exec_driver_sql(statement)

    assert verify_chain(engine).ok


def test_an_edited_field_is_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)

    _without_guard(engine, "UPDATE audit_entry SET actor = 'кто-то другой' WHERE id = 7")

    verdict = verify_chain(engine)
    assert (verdict.problem, verdict.first_bad_id) == ("edited", 7)


AUDIT_COLUMNS = [c.name for c in AuditEntry.__table__.columns]  # type: ignore[attr-defined]


def _forged(column: str, value: object) -> object:
    """A different value of the same type: what a forger would write into the column."""
    if column in ("account_id", "organ_id"):
        return (value or 0) + 1000  # type: ignore[operator]
    if column in ("prev_hash", "hash"):
        return "f" * 64
    if column == "recorded_at":
        return str(value).replace("+00:00", "+00:01")
    if column in ("before", "after"):
        return json.dumps({**json.loads(str(value or "{}")), "подделка": 1}, ensure_ascii=False)
    return f"{value or ''}подделка"


@pytest.mark.parametrize("column", [c for c in AUDIT_COLUMNS if c != "id"])
def test_a_change_to_any_stored_column_of_an_entry_is_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, column: str
) -> None:
    _history(session, calendar)
    target = next(r for r in _rows(engine) if r["action"] == "step.closed")
    forged = _forged(column, target[column])
    assert forged != target[column]

    _without_guard(engine)
    with engine.begin() as conn:
        changed = conn.execute(
            sa.text(f"UPDATE audit_entry SET {column} = :v WHERE id = :id"),
            {"v": forged, "id": target["id"]},
        ).rowcount

    assert changed == 1
    verdict = verify_chain(engine)
    assert (verdict.ok, verdict.problem, verdict.first_bad_id) == (False, "edited", target["id"])


def test_a_changed_id_is_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)
    last = _rows(engine)[-1]["id"]

    _without_guard(engine, f"UPDATE audit_entry SET id = {last + 10} WHERE id = 7")

    verdict = verify_chain(engine)
    assert (verdict.ok, verdict.first_bad_id) == (False, 8)


def test_a_deleted_row_is_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)

    _without_guard(engine, "DELETE FROM audit_entry WHERE id = 5")

    verdict = verify_chain(engine)
    assert (verdict.problem, verdict.first_bad_id) == ("deleted", 6)


def test_two_swapped_rows_are_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    _history(session, calendar)

    _without_guard(
        engine,
        "UPDATE audit_entry SET id = -4 WHERE id = 4",
        "UPDATE audit_entry SET id = 4 WHERE id = 5",
        "UPDATE audit_entry SET id = 5 WHERE id = -4",
    )

    verdict = verify_chain(engine)
    assert (verdict.problem, verdict.first_bad_id) == ("reordered", 4)


def test_a_row_inserted_in_the_middle_is_found(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar
) -> None:
    from domain.audit import chain_hash

    _history(session, calendar)
    rows = _rows(engine)
    forged = {**rows[4], "id": 6, "actor": "подделка", "prev_hash": rows[4]["hash"]}
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    last = len(rows)
    shift = [f"UPDATE audit_entry SET id = {i + 1} WHERE id = {i}" for i in range(last, 5, -1)]
    columns = ", ".join(forged)
    values = ", ".join(
        "NULL"
        if v is None
        else f"'{str(v).replace(chr(39), chr(39) * 2)}'"
        if not isinstance(v, int)
        else str(v)
        for v in forged.values()
    )
    # The links trigger refuses a row whose prev_hash is not its predecessor's hash after the
    # shift: the forger drops it with the append-only ones.
    _without_guard(engine, *shift, f"INSERT INTO audit_entry ({columns}) VALUES ({values})")

    verdict = verify_chain(engine)
    assert (verdict.problem, verdict.first_bad_id) == ("inserted", 6)


def test_a_publication_prints_the_head_and_a_rewritten_tail_is_caught_against_it(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    result = publish(
        session=session,
        calendar=calendar,
        quarter_text="2026Q3",
        on=date(2026, 11, 30),
        out=tmp_path / "public",
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    finish(tmp_path / "public", result)
    printed = json.loads((tmp_path / "public" / "current" / "registry.json").read_text())[
        "audit_head"
    ]
    page = (tmp_path / "public" / "current" / "index.html").read_text(encoding="utf-8")

    with engine.begin() as conn:
        assert (printed["id"], printed["sha256"]) == head(conn)
    assert printed["sha256"] in page
    assert verify_chain(engine, anchor=(printed["id"], printed["sha256"])).ok
    _without_guard(engine, f"DELETE FROM audit_entry WHERE id >= {printed['id'] - 2}")
    assert verify_chain(engine).ok  # the shortened chain is self-consistent...
    verdict = verify_chain(engine, anchor=(printed["id"], printed["sha256"]))
    assert not verdict.ok and verdict.problem == "deleted"  # ...but not against the anchor


def test_an_emptied_chain_is_refused_while_the_tables_hold_events(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    _without_guard(engine, "DELETE FROM audit_entry")

    check = check_audit(engine, anchors_path=tmp_path / "anchors.txt")

    assert check.verdict.ok and check.verdict.entries == 0  # the chain alone sees nothing
    assert not check.ok
    assert any("событий 5, а записей о них 0" in s for s in check.shortfalls), check.shortfalls
    assert check.missing_triggers  # and the guard is gone


def test_a_deleted_last_entry_is_caught_by_the_count_or_the_anchor(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    anchors = tmp_path / "anchors" / "audit-head.txt"
    head_id, _ = write_anchor(engine, anchors, day=TODAY) or (0, "")
    _without_guard(engine, f"DELETE FROM audit_entry WHERE id = {head_id}")
    triggers.restore(engine)

    check = check_audit(engine, anchors_path=anchors)

    assert check.verdict.problem == "deleted" and check.verdict.first_bad_id == head_id
    assert not check.ok and check.anchors == 1


def test_a_tail_rewritten_after_the_days_anchor_is_caught(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    anchors = tmp_path / "anchors" / "audit-head.txt"
    head_id, _ = write_anchor(engine, anchors, day=TODAY) or (0, "")
    # Drop the last three entries and chain three forged ones in their place: the
    # chain links up again, and the counts of facts still match.
    tail = [r["action"] for r in _rows(engine)[-3:]]
    _without_guard(engine, f"DELETE FROM audit_entry WHERE id > {head_id - 3}")
    triggers.restore(engine)
    with engine.begin() as conn:
        for n, action in enumerate(tail):
            append(conn, action=action, entity=f"forged:{n}", actor="forger")

    check = check_audit(engine, anchors_path=anchors)

    assert verify_chain(engine).ok and not check.shortfalls  # consistent in itself...
    assert not check.ok and check.verdict.problem == "anchor"  # ...but not with the anchor
    assert check.verdict.first_bad_id == head_id


def test_a_forged_entry_appended_after_the_last_anchor_needs_an_outside_anchor(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    anchors = tmp_path / "anchors" / "audit-head.txt"
    write_anchor(engine, anchors, day=TODAY)
    with engine.begin() as conn:  # INSERT is allowed: there is no trigger to drop
        append(conn, action="event.notice_sent", entity="account:1", actor="forger")

    check = check_audit(engine, anchors_path=anchors)
    after = write_anchor(engine, anchors, day=TODAY)

    assert check.ok  # what the README says: only the next anchor kept elsewhere can tell
    assert after is not None and after[0] == check.verdict.head_id


def test_missing_triggers_are_reported_and_init_restores_them(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    _without_guard(engine)

    before = check_audit(engine, anchors_path=tmp_path / "anchors.txt")
    restored = triggers.restore(engine)
    after = check_audit(engine, anchors_path=tmp_path / "anchors.txt")

    assert not before.ok and before.missing_triggers == restored != []
    assert after.ok and after.missing_triggers == []
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_entry")


def test_a_damaged_anchor_file_is_reported(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _history(session, calendar)
    anchors = tmp_path / "audit-head.txt"
    anchors.write_text("2026-12-01 5:not-a-hash\n", encoding="utf-8")

    check = check_audit(engine, anchors_path=anchors)

    assert not check.ok and "строка 1 повреждена" in check.words


@pytest.mark.parametrize("shape", ["fork", "gap", "first"])
def test_the_database_refuses_an_entry_that_does_not_link_to_the_one_before(
    engine: sa.Engine, session: Session, calendar: WorkingCalendar, shape: str
) -> None:
    from domain.audit import GENESIS, chain_hash

    _history(session, calendar)
    rows = _rows(engine)
    last = rows[-1]
    forged = {**last, "actor": "подделка"}
    if shape == "fork":  # a second successor of an entry already followed
        forged.update(id=last["id"] + 1, prev_hash=rows[-2]["hash"])
    elif shape == "gap":  # the right predecessor, a number skipped
        forged.update(id=last["id"] + 2, prev_hash=last["hash"])
    else:  # a second "first" entry
        forged.update(id=last["id"] + 1, prev_hash=GENESIS)
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    columns = ", ".join(forged)
    marks = ", ".join(f":{k}" for k in forged)

    refused = pytest.raises(sa.exc.DatabaseError, match="must link to the entry before it")
    with refused, engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO audit_entry ({columns}) VALUES ({marks})"), forged)

    assert len(_rows(engine)) == len(rows)
    assert verify_chain(engine).ok
