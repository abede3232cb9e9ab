"""The audit chain linked by a trigger rather than by unique indexes on its hashes.

Unique indexes on ``hash`` and ``prev_hash`` kept the chain from forking, but
their keys are random: every day's entries rewrote pages all over both indexes,
and a sweep's cost grew with the length of the history (measured: ×1.3–1.45 per
thousand reminders from the first to the twentieth working day; flat without
them). A trigger now accepts an entry only if its ``prev_hash`` is the hash of
the entry numbered one less (one primary-key lookup), which forbids a fork and a
gap in the numbering too. The id is the primary key, so two entries cannot
claim one place.

SQLite cannot drop a table's UNIQUE constraints: the table is rebuilt, its
rows copied in id order, and its indexes and triggers made again.

Revision ID: 0012_audit_links
Revises: 0011_standing
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_audit_links"
down_revision = "0011_standing"
branch_labels = None
depends_on = None

GENESIS = "0" * 64  # domain.audit.GENESIS, as it stood when this migration was written
LINKS_SQLITE = (
    "CREATE TRIGGER audit_entry_links BEFORE INSERT ON audit_entry "
    f"WHEN NOT (NEW.id = 1 AND NEW.prev_hash = '{GENESIS}') AND NEW.prev_hash IS NOT "
    "(SELECT hash FROM audit_entry WHERE id = NEW.id - 1) BEGIN "
    "SELECT RAISE(ABORT, 'audit_entry must link to the entry before it'); END"
)
LINKS_FUNCTION = f"""
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
"""
LINKS_POSTGRES = (
    "CREATE TRIGGER audit_entry_links BEFORE INSERT ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION srok_audit_links()"
)
COLUMNS = (
    "id, recorded_at, actor, action, clause, entity, account_id, organ_id, "
    "before, after, calendar_version, prev_hash, hash"
)


def _table(name: str, *, unique: bool) -> sa.Table:
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("clause", sa.String(), nullable=True),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("organ_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("calendar_version", sa.String(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        *((sa.UniqueConstraint("hash"), sa.UniqueConstraint("prev_hash")) if unique else ()),
    )


def _rebuild_sqlite(*, unique: bool) -> None:
    """Copy audit_entry into a table of the wanted shape (SQLite cannot alter constraints)."""
    bind = op.get_bind()
    _table("audit_entry_rebuilt", unique=unique).create(bind)
    op.execute(
        f"INSERT INTO audit_entry_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry ORDER BY id"
    )
    op.execute("DROP TABLE audit_entry")  # its triggers and indexes go with it
    op.execute("ALTER TABLE audit_entry_rebuilt RENAME TO audit_entry")
    op.create_index("ix_audit_entry_account_id", "audit_entry", ["account_id"])
    op.create_index("ix_audit_entry_organ_id", "audit_entry", ["organ_id"])
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_entry_no_{operation.lower()} BEFORE {operation} "
            "ON audit_entry BEGIN "
            f"SELECT RAISE(ABORT, 'audit_entry is append-only: {operation} refused'); END"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_entry DROP CONSTRAINT IF EXISTS audit_entry_hash_key")
        op.execute("ALTER TABLE audit_entry DROP CONSTRAINT IF EXISTS audit_entry_prev_hash_key")
        op.execute(LINKS_FUNCTION)
        op.execute(LINKS_POSTGRES)
    else:
        _rebuild_sqlite(unique=False)
        op.execute(LINKS_SQLITE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_links ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS srok_audit_links()")
        op.execute("ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_hash_key UNIQUE (hash)")
        op.execute(
            "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_prev_hash_key UNIQUE (prev_hash)"
        )
    else:
        _rebuild_sqlite(unique=True)
