"""ERP exchange: each company's remote id and label for order and line statuses.

Revision ID: 0013_erp_status_mappings
Revises: 0012_erp_exchange
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_erp_status_mappings"
down_revision: str | None = "0012_erp_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_mappings",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("kind IN ('ORDER', 'LINE')", name=op.f("ck_status_mappings_kind")),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_status_mappings_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "kind", "status", name=op.f("pk_status_mappings")),
        sa.UniqueConstraint(
            "company_id", "kind", "remote_id", name=op.f("uq_status_mappings_company_id_kind_remote_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("status_mappings")
