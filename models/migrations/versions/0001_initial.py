"""Initial schema: organs, specialists, accounts, their history, access, cycles, steps, events, publications.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "organ",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("postal_address", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(), nullable=False),
        sa.Column("network_key", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"],
            ["organ.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_organ_id"), ["organ_id"], unique=False)
        batch_op.create_index(
            "uq_account_one_per_network",
            ["organ_id", "network_key"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "specialist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("position", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"],
            ["organ.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("specialist", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_specialist_organ_id"), ["organ_id"], unique=False)

    op.create_table(
        "access_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.CheckConstraint("slot BETWEEN 1 AND 3", name="ck_access_grant_at_most_three"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_grant_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "uq_access_grant_person",
            ["account_id", "person"],
            unique=True,
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        )
        batch_op.create_index(
            "uq_access_grant_slot",
            ["account_id", "slot"],
            unique=True,
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        )

    op.create_table(
        "account_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_address_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "account_specialist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["specialist_id"],
            ["specialist.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_specialist", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_specialist_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_specialist_specialist_id"), ["specialist_id"], unique=False
        )
        batch_op.create_index(
            "uq_account_specialist_current",
            ["account_id", "specialist_id"],
            unique=True,
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )

    op.create_table(
        "cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_account_id"), ["account_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_account_id"), ["account_id"], unique=False)

    op.create_table(
        "step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(), nullable=False),
        sa.Column("counted_from", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.String(), nullable=True),
        sa.Column("calendar_version", sa.String(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycle.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "clause", name="uq_step_cycle_clause"),
    )
    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_due"), ["due"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_due"))
        batch_op.drop_index(batch_op.f("ix_step_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_step_account_id"))

    op.drop_table("step")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_account_id"))

    op.drop_table("event")
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_account_id"))

    op.drop_table("cycle")
    with op.batch_alter_table("account_specialist", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_specialist_current",
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_account_specialist_specialist_id"))
        batch_op.drop_index(batch_op.f("ix_account_specialist_account_id"))

    op.drop_table("account_specialist")
    with op.batch_alter_table("account_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_address_account_id"))

    op.drop_table("account_address")
    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_access_grant_slot",
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        )
        batch_op.drop_index(
            "uq_access_grant_person",
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_access_grant_account_id"))

    op.drop_table("access_grant")
    with op.batch_alter_table("specialist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_specialist_organ_id"))

    op.drop_table("specialist")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_one_per_network",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_account_organ_id"))

    op.drop_table("account")
    op.drop_table("publication")
    op.drop_table("organ")
