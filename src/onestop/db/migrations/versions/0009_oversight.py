"""效能监察: supervision rules, orders, scorecards (issue 6).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22

The record of which rule raised which supervision order on which case (one open order per rule and case),
and a deployment's overrides of the bundled rules and scorecard settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "supervision_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("subject_case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("order_case_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["order_case_id"], ["cases.id"], name=op.f("fk_supervision_hits_order_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["subject_case_id"], ["cases.id"], name=op.f("fk_supervision_hits_subject_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_hits")),
        sa.UniqueConstraint("order_case_id", name=op.f("uq_supervision_hits_order_case_id")),
        sa.UniqueConstraint("rule_code", "subject_case_id", "seq", name="uq_supervision_hits_rule_case_seq"),
    )
    with op.batch_alter_table("supervision_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_hits_subject_case_id"), ["subject_case_id"], unique=False)

    op.create_table(
        "oversight_settings",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("updated_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_oversight_settings")),
    )


def downgrade() -> None:
    op.drop_table("oversight_settings")
    with op.batch_alter_table("supervision_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_hits_subject_case_id"))
    op.drop_table("supervision_hits")
