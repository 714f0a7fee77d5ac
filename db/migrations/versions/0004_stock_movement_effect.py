"""A stock movement records its effect (per product: on-hand and reserved change), so it can be undone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("stock_movements", "quantities", new_column_name="effect")


def downgrade() -> None:
    op.alter_column("stock_movements", "effect", new_column_name="quantities")
