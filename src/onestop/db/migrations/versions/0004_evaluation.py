"""evaluation: entered indicator values

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 03:33:28.127302

The table of the business-environment evaluation (issue 8): indicator values entered by units per region
and period, with their evidence file names, review by the 营商办 and history; and an index on case events by
action and instant, which the computed indicators (and every read model that counts events of one kind in a
period) range-scan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "evaluation_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("review_comment", sa.Text(), server_default="", nullable=False),
        sa.Column("history", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["units.id"], name=op.f("fk_evaluation_entries_region_id_units")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_evaluation_entries_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_entries")),
        sa.UniqueConstraint("region_id", "period", "indicator", name="uq_evaluation_entries_region_period_indicator"),
    )
    with op.batch_alter_table("evaluation_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_entries_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_entries_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index("ix_case_events_action_at", ["action", "at", "case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_action_at")

    with op.batch_alter_table("evaluation_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_entries_unit_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_entries_period"))

    op.drop_table("evaluation_entries")
