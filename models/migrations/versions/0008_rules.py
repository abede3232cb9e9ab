"""The standing rules (п. 2.1, 2.4): the evidence of each weekly check.

Revision ID: 0008_rules
Revises: 0007_web
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_rules"
down_revision = "0007_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("figures", sa.String(), nullable=False),
        sa.Column("answers_sha256", sa.String(length=64), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "rule", "week", name="uq_rule_check_account_rule_week"),
    )
    op.create_index("ix_rule_check_account_id", "rule_check", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_rule_check_account_id", table_name="rule_check")
    op.drop_table("rule_check")
