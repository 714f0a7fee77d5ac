"""Order history: appended in the same transaction as the change it records."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.vocabulary import OrderEventKind, OrderStatus
from db.models import Order, OrderEvent
from db.queries import webhooks


async def append(
    session: AsyncSession,
    order: Order,
    kind: OrderEventKind,
    *,
    before: OrderStatus | None,
    actor: str | None,
    details: dict[str, Any] | None = None,
) -> OrderEvent:
    """`details` must already be JSON-ready (strings for money and dates)."""
    event = OrderEvent(
        order_id=order.id,
        company_id=order.company_id,
        kind=kind,
        status_before=before,
        status_after=order.status,
        actor=actor,
        details=details or {},
        # the moment of the change, not of the transaction's start: a change that waited on
        # the order's lock must come after the one it waited for
        occurred_at=sa.func.clock_timestamp(),
    )
    session.add(event)
    await session.flush()
    await webhooks.enqueue(session, event)  # the outbox: delivered only if this commits
    return event
