"""Drop ix_cases_kind: ix_cases_worklist (kind, state, unit_id, due_at) already leads with kind.

Every index on `cases` is rewritten when the tick updates a row (the alarm columns are indexed, so the update
cannot be HOT on PostgreSQL); a redundant one only slows the sweep.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_kind"))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_kind"), ["kind"], unique=False)
