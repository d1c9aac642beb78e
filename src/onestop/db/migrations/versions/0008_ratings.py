"""好差评: ratings (issue 6).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

One row per rating of a finished case by a channel (the schema is fixed in CONTRACTS.md: oversight and
evaluation read it), and the appeals against ratings with their decisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_kind", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("bad", sa.Boolean(), nullable=False),
        sa.Column("real_name", sa.Boolean(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("rated_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("annulled_at", onestop.db.types.UTCDateTime(), nullable=True),
        sa.Column("rectification_case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ratings_case_id_cases")),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_ratings_party_id_parties")),
        sa.ForeignKeyConstraint(
            ["rectification_case_id"], ["cases.id"], name=op.f("fk_ratings_rectification_case_id_cases")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_ratings_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("case_id", "channel", name="uq_ratings_case_id_channel"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index("ix_ratings_unit_id_rated_at", ["unit_id", "rated_at"], unique=False)

    op.create_table(
        "rating_appeals",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=32), nullable=False),
        sa.Column("filed_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", onestop.db.types.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_rating_appeals_case_id_cases")),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"], name=op.f("fk_rating_appeals_rating_id_ratings")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_rating_appeals")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_rating_appeals_rating_id")),
    )


def downgrade() -> None:
    op.drop_table("rating_appeals")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_unit_id_rated_at")
        batch_op.drop_index(batch_op.f("ix_ratings_unit_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_case_id"))

    op.drop_table("ratings")
