"""The web app: users, API tokens, login attempts, used action links, form submissions.

Revision ID: 0007_web
Revises: 0006_faults
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_web"
down_revision = "0006_faults"
branch_labels = None
depends_on = None


QUEUE = "clause = '3.4' AND done_on IS NULL AND due IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_step_registry_queue",
        "step",
        ["due"],
        sqlite_where=sa.text(QUEUE),
        postgresql_where=sa.text(QUEUE),
    )
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=True),
        sa.Column("specialist_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('specialist', 'it', 'head', 'admin')", name="ck_web_user_role"
        ),
        sa.ForeignKeyConstraint(["organ_id"], ["organ.id"]),
        sa.ForeignKeyConstraint(["specialist_id"], ["specialist.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["web_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_attempt_login_at", "login_attempt", ["login", "at"])
    op.create_index("ix_login_attempt_address_at", "login_attempt", ["address", "at"])
    op.create_table(
        "action_link_use",
        sa.Column("nonce", sa.String(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"]),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_table(
        "web_submission",
        sa.Column("nonce", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )


def downgrade() -> None:
    op.drop_index("ix_step_registry_queue", table_name="step")
    op.drop_table("web_submission")
    op.drop_table("action_link_use")
    op.drop_index("ix_login_attempt_address_at", table_name="login_attempt")
    op.drop_index("ix_login_attempt_login_at", table_name="login_attempt")
    op.drop_table("login_attempt")
    op.drop_table("api_token")
    op.drop_table("web_user")
