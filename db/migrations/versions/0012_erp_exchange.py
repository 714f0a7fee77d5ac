"""ERP exchange: order export files, sync checkpoints per integration, sent/acknowledged orders.

Revision ID: 0012_erp_exchange
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_erp_exchange"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = "ck_bulk_operations_kind"


def upgrade() -> None:
    op.drop_constraint(op.f(_KIND), "bulk_operations", type_="check")
    op.create_check_constraint(
        op.f(_KIND), "bulk_operations", "kind IN ('IMPORT', 'BATCH_UPDATE', 'EXPORT')"
    )
    op.create_table(
        "order_exports",
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("filter", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("format IN ('XML', 'JSONL')", name=op.f("ck_order_exports_format")),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["bulk_operations.id"],
            name=op.f("fk_order_exports_operation_id_bulk_operations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("operation_id", name=op.f("pk_order_exports")),
    )
    op.create_table(
        "sync_checkpoints",
        sa.Column("key_id", sa.String(length=120), nullable=False),
        sa.Column("integration", sa.String(length=64), nullable=False),
        sa.Column("position_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column(
            "acknowledged_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key_id", "integration", name=op.f("pk_sync_checkpoints")),
    )
    op.create_table(
        "order_sync_states",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=120), nullable=False),
        sa.Column("integration", sa.String(length=64), nullable=False),
        sa.Column("sent_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_sync_states_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "key_id", "integration", name=op.f("pk_order_sync_states")
        ),
    )
    op.create_index(
        "ix_order_sync_states_key_id_integration",
        "order_sync_states",
        ["key_id", "integration"],
    )


def downgrade() -> None:
    op.drop_index("ix_order_sync_states_key_id_integration", table_name="order_sync_states")
    op.drop_table("order_sync_states")
    op.drop_table("sync_checkpoints")
    op.drop_table("order_exports")
    op.execute("DELETE FROM bulk_operations WHERE kind = 'EXPORT'")
    op.drop_constraint(op.f(_KIND), "bulk_operations", type_="check")
    op.create_check_constraint(op.f(_KIND), "bulk_operations", "kind IN ('IMPORT', 'BATCH_UPDATE')")
