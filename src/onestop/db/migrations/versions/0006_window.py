"""一窗受理: service catalogue versions, applications, materials (issue 4).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import onestop.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "window_catalog_versions",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("bundles", sa.Integer(), nullable=False),
        sa.Column("first_used_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_window_catalog_versions")),
    )
    op.create_table(
        "window_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("given", sa.String(length=16), nullable=True),
        sa.Column("defect", sa.String(length=200), server_default="", nullable=False),
        sa.Column("certificate_number", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=300), server_default="", nullable=False),
        sa.Column("updated_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_window_materials_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_materials")),
        sa.UniqueConstraint("case_id", "code", name="uq_window_materials_case_id_code"),
    )
    with op.batch_alter_table("window_materials", schema=None) as batch_op:
        batch_op.create_index("ix_window_materials_status", ["status", "case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("window_materials", schema=None) as batch_op:
        batch_op.drop_index("ix_window_materials_status")
    op.drop_table("window_materials")
    op.drop_table("window_catalog_versions")
