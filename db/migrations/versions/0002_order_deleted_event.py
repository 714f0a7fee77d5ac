"""History records deletions: the DELETED event kind.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = (
    "CREATED",
    "UPDATED",
    "CONFIRMED",
    "SHIPPED",
    "DELIVERED",
    "RETURNED",
    "CANCELLED",
    "IMPORTED",
)


def _replace_check(kinds: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_order_events_kind"), "order_events", type_="check")
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint(op.f("ck_order_events_kind"), "order_events", f"kind IN ({allowed})")


def upgrade() -> None:
    _replace_check((*_KINDS, "DELETED"))


def downgrade() -> None:
    op.execute("DELETE FROM order_events WHERE kind = 'DELETED'")
    _replace_check(_KINDS)
