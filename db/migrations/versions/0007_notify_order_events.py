"""Every order event announces itself at commit (NOTIFY), for the orderEvents subscription.

A row trigger covers every way events are written: mutations, bulk imports, COPY.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION notify_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('order_events', NEW.id || ':' || NEW.company_id);
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER order_events_notify AFTER INSERT ON order_events"
        " FOR EACH ROW EXECUTE FUNCTION notify_order_event()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER order_events_notify ON order_events")
    op.execute("DROP FUNCTION notify_order_event()")
