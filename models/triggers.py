"""The triggers that keep the audit table append-only, as migration 0004 creates them.

`srok init` restores any that are missing (someone able to drop a trigger can
also put it back, so `srok audit verify` reports a missing one first).
"""

from __future__ import annotations

import sqlalchemy as sa

SQLITE = {
    f"audit_entry_no_{op.lower()}": (
        f"CREATE TRIGGER audit_entry_no_{op.lower()} BEFORE {op} ON audit_entry BEGIN "
        f"SELECT RAISE(ABORT, 'audit_entry is append-only: {op} refused'); END"
    )
    for op in ("UPDATE", "DELETE")
}
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION srok_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES = {
    "audit_entry_append_only": (
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION srok_audit_append_only()"
    )
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
            conn.execute(sa.text(POSTGRES_FUNCTION))
            # A disabled trigger still exists: drop it so it comes back enabled.
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"))
        for name in gone:
            conn.execute(sa.text(expected(conn)[name]))
    return gone
