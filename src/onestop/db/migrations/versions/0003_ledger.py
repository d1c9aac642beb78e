"""ledger: plans, tasks, unit aliases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:28:01.801128

Tables of the reform-task ledger (issue 7): imported plans, the task rows that place each task case in its
ledger, and the unit names a person mapped once to the deployment's units.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "ledgers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("plan_date", sa.String(length=10), nullable=True),
        sa.Column("source", sa.String(length=300), server_default="", nullable=False),
        sa.Column("report_day", sa.Integer(), server_default="25", nullable=False),
        sa.Column("supervisor_unit_id", sa.Integer(), nullable=True),
        sa.Column("plan", JSON, nullable=False),
        sa.Column("created_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_unit_id"], ["units.id"], name=op.f("fk_ledgers_supervisor_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgers")),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_aliases_unit_id_units")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_unit_aliases")),
    )
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_aliases_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "ledger_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("ongoing", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ledger_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(["lead_unit_id"], ["units.id"], name=op.f("fk_ledger_tasks_lead_unit_id_units")),
        sa.ForeignKeyConstraint(["ledger_id"], ["ledgers.id"], name=op.f("fk_ledger_tasks_ledger_id_ledgers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_tasks")),
        sa.UniqueConstraint("case_id", name=op.f("uq_ledger_tasks_case_id")),
        sa.UniqueConstraint("ledger_id", "seq", name="uq_ledger_tasks_ledger_id_seq"),
    )
    with op.batch_alter_table("ledger_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_tasks_lead_unit_id"), ["lead_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_tasks_ledger_id"), ["ledger_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_tasks_ledger_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_tasks_lead_unit_id"))

    op.drop_table("ledger_tasks")
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_aliases_unit_id"))

    op.drop_table("unit_aliases")
    op.drop_table("ledgers")
