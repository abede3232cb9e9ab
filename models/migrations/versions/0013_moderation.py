"""Comment moderation (п. 2.5): the comments srok read, their flags and decisions; the cursors.

A comment is stored once per (account, post, comment id); a sync updates the
row when the text changed on the network and marks it when it is gone. The
queue is the flagged comments, oldest first.

Revision ID: 0013_moderation
Revises: 0012_audit_links
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_moderation"
down_revision = "0012_audit_links"
branch_labels = None
depends_on = None

STATES = "'clean', 'flagged', 'removed', 'kept', 'user_restricted'"


def upgrade() -> None:
    instant = sa.DateTime(timezone=True)
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("post_id", sa.String(length=100), nullable=False),
        sa.Column("comment_id", sa.String(length=100), nullable=False),
        sa.Column("post_url", sa.String(), nullable=True),
        sa.Column("published_at", instant, nullable=False),
        sa.Column("seen_at", instant, nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("text_masked", sa.String(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("repeat_key", sa.String(length=64), nullable=False),
        sa.Column("author_ref", sa.String(), nullable=True),
        sa.Column("edited_at", instant, nullable=True),
        sa.Column("deleted_on_network_at", instant, nullable=True),
        sa.Column("flags", sa.String(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("flagged_at", instant, nullable=True),
        sa.Column("decided_at", instant, nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decision_reason", sa.String(), nullable=True),
        sa.Column("network_rule", sa.String(), nullable=True),
        sa.Column("reminded_at", instant, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "post_id", "comment_id", name="uq_comment_natural"),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_comment_state"),
    )
    op.create_index("ix_comment_account_id", "comment", ["account_id"])
    op.create_index("ix_comment_state_published", "comment", ["state", "published_at"])
    op.create_index("ix_comment_repeat_key", "comment", ["repeat_key"])
    op.create_table(
        "moderation_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.String(length=100), nullable=False),
        sa.Column("post_url", sa.String(), nullable=True),
        sa.Column("post_published_at", instant, nullable=True),
        sa.Column("last_comment_id", sa.String(), nullable=True),
        sa.Column("last_published_at", instant, nullable=True),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("synced_at", instant, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "post_id", name="uq_moderation_cursor_post"),
    )
    op.create_index("ix_moderation_cursor_account_id", "moderation_cursor", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_moderation_cursor_account_id", table_name="moderation_cursor")
    op.drop_table("moderation_cursor")
    op.drop_index("ix_comment_repeat_key", table_name="comment")
    op.drop_index("ix_comment_state_published", table_name="comment")
    op.drop_index("ix_comment_account_id", table_name="comment")
    op.drop_table("comment")
