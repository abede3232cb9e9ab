"""The triggers that keep the audit table append-only and linked, as migrations create them.

Append-only (migration 0004): UPDATE and DELETE are refused. Linked (0012): an
entry is accepted only if its ``prev_hash`` is the hash of the entry numbered one
less (the first entry's is the genesis hash), so the chain can neither fork nor
skip a number. That check replaced unique indexes on ``hash`` and ``prev_hash``:
their random keys made every day's entries rewrite pages all over both indexes,
and a sweep's cost grew with the length of the history.

`srok init` restores any that are missing (someone able to drop a trigger can
also put it back, so `srok audit verify` reports a missing one first).
"""

from __future__ import annotations

import sqlalchemy as sa

from domain.audit import GENESIS

SQLITE = {
    **{
        f"audit_entry_no_{op.lower()}": (
            f"CREATE TRIGGER audit_entry_no_{op.lower()} BEFORE {op} ON audit_entry BEGIN "
            f"SELECT RAISE(ABORT, 'audit_entry is append-only: {op} refused'); END"
        )
        for op in ("UPDATE", "DELETE")
    },
    "audit_entry_links": (
        "CREATE TRIGGER audit_entry_links BEFORE INSERT ON audit_entry "
        f"WHEN NOT (NEW.id = 1 AND NEW.prev_hash = '{GENESIS}') AND NEW.prev_hash IS NOT "
        "(SELECT hash FROM audit_entry WHERE id = NEW.id - 1) BEGIN "
        "SELECT RAISE(ABORT, 'audit_entry must link to the entry before it'); END"
    ),
}
POSTGRES_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION srok_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
""",
    f"""
CREATE OR REPLACE FUNCTION srok_audit_links() RETURNS trigger AS $$
BEGIN
    IF NEW.id = 1 AND NEW.prev_hash = '{GENESIS}' THEN
        RETURN NEW;
    END IF;
    IF NEW.prev_hash IS DISTINCT FROM (SELECT hash FROM audit_entry WHERE id = NEW.id - 1) THEN
        RAISE EXCEPTION 'audit_entry must link to the entry before it';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
)
POSTGRES = {
    "audit_entry_append_only": (
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION srok_audit_append_only()"
    ),
    "audit_entry_links": (
        "CREATE TRIGGER audit_entry_links BEFORE INSERT ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION srok_audit_links()"
    ),
}


def expected(conn: sa.Connection) -> dict[str, str]:
    return POSTGRES if conn.dialect.name == "postgresql" else SQLITE


def present(conn: sa.Connection) -> set[str]:
    """Name the audit table's triggers that exist (and, on PostgreSQL, are enabled)."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'"
            )
        )
    else:
        rows = conn.execute(
            sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
            )
        )
    return {r[0] for r in rows}


def missing(conn: sa.Connection) -> list[str]:
    return sorted(set(expected(conn)) - present(conn))


def restore(engine: sa.Engine) -> list[str]:
    """Create the missing triggers; return their names."""
    with engine.begin() as conn:
        gone = missing(conn)
        if gone and conn.dialect.name == "postgresql":
            for function in POSTGRES_FUNCTIONS:
                conn.execute(sa.text(function))
            # A disabled trigger still exists: drop it so it comes back enabled.
            for name in gone:
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {name} ON audit_entry"))
        for name in gone:
            conn.execute(sa.text(expected(conn)[name]))
    return gone
