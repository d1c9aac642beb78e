"""12345: hotline requests, knowledge base, Open311 (issue 5).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22

The knowledge base (知识库) and one row per 12345 request beside its case: the requester's contact numbers
(kept out of the hash-chained events), the place folded for duplicate detection, the merge master.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "hotline_kb",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("keywords", JSON, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("hits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_hotline_kb_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_kb")),
    )
    with op.batch_alter_table("hotline_kb", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_kb_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hotline_requests",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("requester_name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=200), server_default="", nullable=False),
        sa.Column("place_key", sa.String(length=120), server_default="", nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("service_code", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("master_case_id", sa.Integer(), nullable=True),
        sa.Column("kb_entry_id", sa.Integer(), nullable=True),
        sa.Column("client_user_id", sa.Integer(), nullable=True),
        sa.Column("received_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_hotline_requests_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["client_user_id"], ["users.id"], name=op.f("fk_hotline_requests_client_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["kb_entry_id"], ["hotline_kb.id"], name=op.f("fk_hotline_requests_kb_entry_id_hotline_kb")
        ),
        sa.ForeignKeyConstraint(
            ["master_case_id"], ["cases.id"], name=op.f("fk_hotline_requests_master_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_hotline_requests")),
    )
    with op.batch_alter_table("hotline_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_requests_master_case_id"), ["master_case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_requests_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_requests_place_key"), ["place_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_hotline_requests_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hotline_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_requests_received_at"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_place_key"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_phone"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_master_case_id"))

    op.drop_table("hotline_requests")
    with op.batch_alter_table("hotline_kb", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_kb_unit_id"))

    op.drop_table("hotline_kb")
