"""П. 3.1: accounts the city site links to that srok was never told of.

Revision ID: 0010_unnotified
Revises: 0009_perf
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_unnotified"
down_revision = "0009_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unnotified_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(), nullable=False),
        sa.Column("href", sa.String(), nullable=False),
        sa.Column("first_seen_on", sa.Date(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organ_id"], ["organ.id"]),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_index("ix_unnotified_account_organ_id", "unnotified_account", ["organ_id"])


def downgrade() -> None:
    op.drop_index("ix_unnotified_account_organ_id", table_name="unnotified_account")
    op.drop_table("unnotified_account")
