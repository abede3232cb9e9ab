"""The organ's page on the city site, and the evidence of each link check (п. 1.4).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "link_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.String(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("link", sa.String(), nullable=True),
        sa.Column("detail", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["step.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_check_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_link_check_step_id"), ["step_id"], unique=False)

    with op.batch_alter_table("organ", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_page", sa.String(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("organ", schema=None) as batch_op:
        batch_op.drop_column("site_page")

    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_check_step_id"))
        batch_op.drop_index(batch_op.f("ix_link_check_account_id"))

    op.drop_table("link_check")
