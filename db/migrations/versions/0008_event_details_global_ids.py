"""Event details name deliveries and returns by global id, so a client can fetch them by node(id).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A Relay global id is base64 of "<Type>:<id>"; demo data once wrote "return_id".
TO_GLOBAL_ID = sa.text(
    """
    UPDATE order_events
    SET details = (details - CAST(:old_key AS text)) || jsonb_build_object(
        CAST(:key AS text),
        encode(convert_to(:type_name || ':' || (details ->> CAST(:old_key AS text)), 'UTF8'), 'base64'))
    WHERE jsonb_typeof(details -> CAST(:old_key AS text)) = 'number'
    """
)
RENAMES = (
    ("deliveryId", "deliveryId", "Delivery"),
    ("returnId", "returnId", "Return"),
    ("return_id", "returnId", "Return"),
)


def upgrade() -> None:
    for old_key, key, type_name in RENAMES:
        op.execute(TO_GLOBAL_ID.bindparams(old_key=old_key, key=key, type_name=type_name))


def downgrade() -> None:
    """Nothing to undo: a global id names the same row the number did."""
