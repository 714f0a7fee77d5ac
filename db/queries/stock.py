"""SQL of the inventory: row locks in product order, conditional writes, claimed movement keys."""

from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Order, StockItem, StockMovement, StockReservation


async def available(session: AsyncSession, product_ids: Collection[int]) -> dict[int, int]:
    """on_hand - reserved per product; products never stocked are absent (read as 0)."""
    statement = sa.select(StockItem.product_id, StockItem.on_hand - StockItem.reserved).where(
        StockItem.product_id.in_(product_ids)
    )
    return dict((await session.execute(statement)).all())  # type: ignore[arg-type]


async def lock_items(session: AsyncSession, product_ids: Collection[int]) -> dict[int, StockItem]:
    """Row-lock the items in product order, so two multi-product writers never deadlock."""
    await session.execute(
        insert(StockItem)
        .values([{"product_id": product_id} for product_id in sorted(product_ids)])
        .on_conflict_do_nothing()
    )
    statement = (
        sa.select(StockItem)
        .where(StockItem.product_id.in_(product_ids))
        .order_by(StockItem.product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {item.product_id: item for item in (await session.scalars(statement)).all()}


async def claim_movement(
    session: AsyncSession, key: str, *, order_id: int | None, kind: str, quantities: dict[str, Any]
) -> bool:
    """Record that the operation `key` is applied; False when it already was (a retry)."""
    statement = (
        insert(StockMovement)
        .values(key=key, order_id=order_id, kind=kind, quantities=quantities)
        .on_conflict_do_nothing(index_elements=[StockMovement.key])
        .returning(StockMovement.id)
    )
    return (await session.scalar(statement)) is not None


async def forget_movement(session: AsyncSession, key: str) -> dict[int, int]:
    """Delete a reservation's claim and return its quantities ({} when there was none)."""
    statement = (
        sa.delete(StockMovement)
        .where(StockMovement.key == key, StockMovement.kind == "reserve")
        .returning(StockMovement.quantities)
    )
    quantities = await session.scalar(statement)
    return {int(product_id): q for product_id, q in (quantities or {}).items()}


async def held_by(session: AsyncSession, order_id: int) -> dict[int, StockReservation]:
    """What the order holds, row-locked."""
    statement = (
        sa.select(StockReservation)
        .where(StockReservation.order_id == order_id)
        .order_by(StockReservation.product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.product_id: row for row in (await session.scalars(statement)).all()}


async def add_held(session: AsyncSession, order_id: int, quantities: Mapping[int, int]) -> None:
    statement = insert(StockReservation).values(
        [{"order_id": order_id, "product_id": p, "quantity": q} for p, q in quantities.items()]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[StockReservation.order_id, StockReservation.product_id],
            set_={"quantity": StockReservation.quantity + statement.excluded.quantity},
        )
    )


async def holds_without_open_order(session: AsyncSession) -> list[int]:
    """Orders holding stock that no longer exist, or are no longer waiting for delivery."""
    open_statuses = ("CONFIRMED", "SHIPPED", "PARTIALLY_DELIVERED")
    open_order = sa.select(Order.id).where(
        Order.id == StockReservation.order_id, Order.status.in_(open_statuses)
    )
    statement = (
        sa.select(StockReservation.order_id)
        .where(StockReservation.quantity > 0, ~open_order.exists())
        .distinct()
        .order_by(StockReservation.order_id)
    )
    return list((await session.scalars(statement)).all())
