"""SQL of the inventory: row locks in product order, conditional writes, claimed movement keys."""

from collections.abc import Collection, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.lifecycle import HOLDS_STOCK
from db.models import Order, Product, StockItem, StockMovement, StockReservation


async def available(session: AsyncSession, product_ids: Collection[int]) -> dict[int, int]:
    """on_hand - reserved per product; products never stocked are absent (read as 0)."""
    statement = sa.select(StockItem.product_id, StockItem.on_hand - StockItem.reserved).where(
        StockItem.product_id.in_(product_ids)
    )
    return dict((await session.execute(statement)).all())


async def lock_items(session: AsyncSession, product_ids: Collection[int]) -> dict[int, StockItem]:
    """Row-lock the items in product order, so two multi-product writers never deadlock.

    Products never stocked get an item at 0; ids that are no product get none (and are absent
    from the answer) rather than failing the transaction on the foreign key.
    """
    if not product_ids:
        return {}
    products = sa.select(Product.id).where(Product.id.in_(product_ids)).order_by(Product.id)
    await session.execute(
        insert(StockItem).from_select([StockItem.product_id], products).on_conflict_do_nothing()
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
    session: AsyncSession,
    key: str,
    *,
    order_id: int | None,
    kind: str,
    effect: Mapping[int, tuple[int, int]],
) -> bool:
    """Record the movement `key` with its effect; False when the key was recorded before."""
    recorded = {str(product_id): list(change) for product_id, change in effect.items()}
    statement = (
        insert(StockMovement)
        .values(key=key, order_id=order_id, kind=kind, effect=recorded)
        .on_conflict_do_nothing(index_elements=[StockMovement.key])
        .returning(StockMovement.id)
    )
    return (await session.scalar(statement)) is not None


async def movement_exists(session: AsyncSession, key: str) -> bool:
    """Read after the item locks: a concurrent first call with this key has committed by then."""
    statement = sa.select(StockMovement.id).where(StockMovement.key == key)
    return (await session.scalar(statement)) is not None


async def forget_reservations(session: AsyncSession, order_id: int) -> None:
    """Drop the order's reserve keys, so that confirming it later reserves again."""
    await session.execute(
        sa.delete(StockMovement).where(
            StockMovement.order_id == order_id, StockMovement.kind == "reserve"
        )
    )


async def recorded_effect(session: AsyncSession, key: str) -> dict[int, tuple[int, int]]:
    effect = await session.scalar(sa.select(StockMovement.effect).where(StockMovement.key == key))
    return {
        int(product_id): (change[0], change[1]) for product_id, change in (effect or {}).items()
    }


async def forget_movement(session: AsyncSession, key: str) -> None:
    await session.execute(sa.delete(StockMovement).where(StockMovement.key == key))


async def held_quantities(
    session: AsyncSession, order_id: int, *, lock: bool = False
) -> dict[int, int]:
    """Units the order holds per product; lock only after the items are locked (lock order)."""
    statement = sa.select(StockReservation.product_id, StockReservation.quantity).where(
        StockReservation.order_id == order_id
    )
    if lock:
        statement = statement.with_for_update()
    return dict((await session.execute(statement)).all())


async def apply_effect(
    session: AsyncSession, order_id: int | None, effect: Mapping[int, tuple[int, int]]
) -> None:
    """Move on-hand and reserved per product, and the order's holds with the reserved part.

    Callers hold the item locks. The CHECKs refuse any result below zero.
    """
    for product_id, (on_hand, reserved) in sorted(effect.items()):
        await session.execute(
            sa.update(StockItem)
            .where(StockItem.product_id == product_id)
            .values(on_hand=StockItem.on_hand + on_hand, reserved=StockItem.reserved + reserved)
        )
    if order_id is None:
        return
    for product_id, (_, reserved) in sorted(effect.items()):
        if reserved < 0:  # only ever taken from an existing hold
            await session.execute(
                sa.update(StockReservation)
                .where(
                    StockReservation.order_id == order_id,
                    StockReservation.product_id == product_id,
                )
                .values(quantity=StockReservation.quantity + reserved)
            )
    added = {p: reserved for p, (_, reserved) in effect.items() if reserved > 0}
    if added:
        # an upsert's CHECK sees the proposed row, so only positive quantities go this way
        statement = insert(StockReservation).values(
            [{"order_id": order_id, "product_id": p, "quantity": q} for p, q in added.items()]
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[StockReservation.order_id, StockReservation.product_id],
                set_={"quantity": StockReservation.quantity + statement.excluded.quantity},
            )
        )


async def holds_without_open_order(session: AsyncSession) -> list[int]:
    """Orders holding stock that no longer exist, or are no longer waiting for delivery.

    Candidates only: a confirm may have reserved and not committed yet (see order_is_open).
    """
    open_order = sa.select(Order.id).where(
        Order.id == StockReservation.order_id, Order.status.in_(HOLDS_STOCK)
    )
    statement = (
        sa.select(StockReservation.order_id)
        .where(StockReservation.quantity > 0, ~open_order.exists())
        .distinct()
        .order_by(StockReservation.order_id)
    )
    return list((await session.scalars(statement)).all())


async def order_is_open(session: AsyncSession, order_id: int) -> bool:
    """Row-lock the order and say whether it waits for its goods.

    A confirm holds this lock from before its remote reserve until it commits, so the lock
    waits for a confirm in flight and the answer is what it committed.
    """
    statement = sa.select(Order.status).where(Order.id == order_id).with_for_update()
    status = await session.scalar(statement)
    return status is not None and status in HOLDS_STOCK
