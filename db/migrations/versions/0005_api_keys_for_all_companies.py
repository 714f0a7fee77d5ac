"""An API key may cover every company (company_ids NULL), like the admin key of a fresh setup.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("api_keys", "company_ids", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM api_keys WHERE company_ids IS NULL")
    op.alter_column("api_keys", "company_ids", nullable=False)
