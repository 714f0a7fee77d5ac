"""Trigram indexes for the `search` filter (order number, client name), where pg_trgm exists.

`ILIKE '%term%'` can use a GIN trigram index; without pg_trgm (the embedded server ships none)
the search stays a scan, bounded by the search term's length and the statement timeout.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_orders_number_trgm", "orders", "number"),
    ("ix_partners_name_trgm", "partners", "name"),
)


def upgrade() -> None:
    bind = op.get_bind()
    available = bind.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    )
    if not available:
        return
    try:
        with bind.begin_nested():  # pg_trgm is trusted, but a role may still lack CREATE
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return
    for name, table, column in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    for name, _, _ in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
