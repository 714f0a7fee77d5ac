"""SQL for sync checkpoints: each integration's acknowledged feed position, and what it was sent."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OrderSyncState, SyncCheckpoint


async def get_checkpoint(
    session: AsyncSession, *, key_id: str, integration: str
) -> SyncCheckpoint | None:
    return await session.get(SyncCheckpoint, (key_id, integration))


async def acknowledge(
    session: AsyncSession, *, key_id: str, integration: str, up_to: tuple[datetime, int]
) -> SyncCheckpoint:
    """Move the checkpoint to `up_to`, never back: a late, older acknowledgement changes nothing.

    The orders sent at or before that position are marked acknowledged for this integration.
    """
    at, order_id = up_to
    stored = insert(SyncCheckpoint).values(
        key_id=key_id, integration=integration, position_at=at, position_id=order_id
    )
    table = SyncCheckpoint.__table__
    newer = sa.tuple_(table.c.position_at, table.c.position_id) < sa.tuple_(
        stored.excluded.position_at, stored.excluded.position_id
    )
    checkpoint = await session.scalar(
        stored.on_conflict_do_update(
            index_elements=["key_id", "integration"],
            set_={
                "position_at": stored.excluded.position_at,
                "position_id": stored.excluded.position_id,
                "acknowledged_at": sa.func.now(),
            },
            where=newer,
        )
        .returning(SyncCheckpoint)
        .execution_options(populate_existing=True)
    )
    if checkpoint is None:  # behind the stored one: that one stands
        checkpoint = await session.get(
            SyncCheckpoint, (key_id, integration), populate_existing=True
        )
    assert checkpoint is not None
    await session.execute(
        sa.update(OrderSyncState)
        .where(
            OrderSyncState.key_id == key_id,
            OrderSyncState.integration == integration,
            OrderSyncState.acknowledged_at.is_(None),
            sa.tuple_(OrderSyncState.sent_updated_at, OrderSyncState.order_id)
            <= sa.tuple_(sa.literal(checkpoint.position_at), checkpoint.position_id),
        )
        .values(acknowledged_at=sa.func.now())
    )
    return checkpoint


class SentOrder(Protocol):
    """An order as it was sent: the read graph's, or a row."""

    id: int
    updated_at: datetime


async def record_sent(
    session: AsyncSession, *, key_id: str, integration: str, orders: Sequence[SentOrder]
) -> None:
    """These orders, in these versions, were just sent to the integration: not yet acknowledged."""
    if not orders:
        return
    rows = [
        {"order_id": o.id, "key_id": key_id, "integration": integration,
         "sent_updated_at": o.updated_at, "last_sent_at": sa.func.now()}
        for o in orders
    ]  # fmt: skip
    statement = insert(OrderSyncState).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["order_id", "key_id", "integration"],
            set_={
                "sent_updated_at": statement.excluded.sent_updated_at,
                "last_sent_at": sa.func.now(),
                "acknowledged_at": None,
            },
        )
    )


async def states_by_order_ids(
    session: AsyncSession, order_ids: Collection[int], *, key_id: str
) -> dict[int, list[OrderSyncState]]:
    """The caller's integrations' states only: another key's integrations are not its business."""
    rows = await session.scalars(
        sa.select(OrderSyncState)
        .where(OrderSyncState.order_id.in_(order_ids), OrderSyncState.key_id == key_id)
        .order_by(OrderSyncState.integration)
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        found[row.order_id].append(row)
    return found
