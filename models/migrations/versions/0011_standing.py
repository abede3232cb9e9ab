"""Steps of the standing duties: required accounts (п. 1.2), quarterly protection (п. 1.6).

A required account's step belongs to an organ before any account exists, so a
step's cycle and account become optional and a step may name its organ; a
reminder of such a step has no account either.

Revision ID: 0011_standing
Revises: 0010_unnotified
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_standing"
down_revision = "0010_unnotified"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("step") as batch:
        batch.alter_column("cycle_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("organ_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_step_organ_id", "organ", ["organ_id"], ["id"])
        batch.create_index("ix_step_organ_id", ["organ_id"])
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "required_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(), nullable=False),
        sa.Column("resolution_number", sa.String(), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organ_id"], ["organ.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"]),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organ_id", "network", "resolution_number", name="uq_required_account_resolution"
        ),
    )
    op.create_index("ix_required_account_organ_id", "required_account", ["organ_id"])
    op.create_table(
        "standing_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "clause", "period", name="uq_standing_step_period"),
    )
    op.create_index("ix_standing_step_account_id", "standing_step", ["account_id"])
    op.create_table(
        "protection_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("two_factor", sa.Boolean(), nullable=False),
        sa.Column("people_with_access", sa.Integer(), nullable=False),
        sa.Column("credentials_kept", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "quarter", name="uq_protection_confirmation_quarter"),
    )
    op.create_index(
        "ix_protection_confirmation_account_id", "protection_confirmation", ["account_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_protection_confirmation_account_id", table_name="protection_confirmation")
    op.drop_table("protection_confirmation")
    op.drop_index("ix_standing_step_account_id", table_name="standing_step")
    op.drop_table("standing_step")
    op.drop_index("ix_required_account_organ_id", table_name="required_account")
    op.drop_table("required_account")
    with op.batch_alter_table("reminder") as batch:
        batch.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("step") as batch:
        batch.drop_index("ix_step_organ_id")
        batch.drop_constraint("fk_step_organ_id", type_="foreignkey")
        batch.drop_column("organ_id")
        batch.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("cycle_id", existing_type=sa.Integer(), nullable=False)
