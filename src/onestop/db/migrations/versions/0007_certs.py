"""电子证照: certificates and signing keys (issue 4).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

The public keys that verify certificates (``cert_keys``; private keys stay in the key directory), the signed
certificates with their revocation, the index the 免提交 lookup uses (holder, type, validity), and the counters
that number certificates per type prefix, region and year.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import onestop.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen here: a later change to onestop.db.types.json_type must not change what this migration created.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cert_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("retired_at", onestop.db.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_cert_keys")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("cert_type", sa.String(length=64), nullable=False),
        sa.Column("type_label", sa.String(length=100), nullable=False),
        sa.Column("holder_party_id", sa.Integer(), nullable=False),
        sa.Column("holder_kind", sa.String(length=16), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_id_number", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("issuing_unit_id", sa.Integer(), nullable=False),
        sa.Column("issuer_code", sa.String(length=64), nullable=False),
        sa.Column("issuer_name", sa.String(length=200), nullable=False),
        sa.Column("source_case_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", onestop.db.types.UTCDateTime(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("revoked_at", onestop.db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_party_id"], ["parties.id"], name=op.f("fk_certificates_holder_party_id_parties")
        ),
        sa.ForeignKeyConstraint(["issuing_unit_id"], ["units.id"], name=op.f("fk_certificates_issuing_unit_id_units")),
        sa.ForeignKeyConstraint(["key_id"], ["cert_keys.key_id"], name=op.f("fk_certificates_key_id_cert_keys")),
        sa.ForeignKeyConstraint(["source_case_id"], ["cases.id"], name=op.f("fk_certificates_source_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_issuing_unit_id"), ["issuing_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_source_case_id"), ["source_case_id"], unique=False)
        batch_op.create_index(
            "ix_certificates_holder_type_validity", ["holder_party_id", "cert_type", "valid_until"], unique=False
        )
    op.create_table(
        "cert_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "region", "year", name=op.f("pk_cert_counters")),
    )


def downgrade() -> None:
    op.drop_table("cert_counters")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_holder_type_validity")
        batch_op.drop_index(batch_op.f("ix_certificates_source_case_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_issuing_unit_id"))
    op.drop_table("certificates")
    op.drop_table("cert_keys")
