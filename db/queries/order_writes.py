"""SQL that changes orders: lock, insert, replace lines, record deliveries and returns, delete."""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.lifecycle import Transition
from db.models import (
    Delivery,
    DeliveryItem,
    Discount,
    Order,
    OrderLine,
    Product,
    Return,
    ReturnItem,
)


def move(order: Order, moved: Transition) -> None:
    """The order takes the status and timestamps the domain's transition decided."""
    order.status = moved.status
    for column, moment in moved.stamps.items():
        setattr(order, column, moment)


def touch(order: Order, actor: str) -> None:
    """Every change moves updatedAt and version by one, even one that sets no other column.

    updatedAt is the moment of the change, not of the transaction's start (see order_events).
    """
    order.updated_by = actor
    order.version += 1
    order.updated_at = sa.func.clock_timestamp()


async def get_for_update(
    session: AsyncSession, order_id: int, *, company_ids: Collection[int]
) -> Order | None:
    """Row-lock the order so that two changes to it run one after the other."""
    return await session.scalar(
        sa.select(Order)
        .where(Order.id == order_id, Order.company_id.in_(company_ids))
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lines_of(session: AsyncSession, order_id: int) -> list[OrderLine]:
    """The order's lines in entry order; callers hold the order's row lock."""
    statement = (
        sa.select(OrderLine)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.position)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(statement)).all())


async def discounts_of(session: AsyncSession, order_id: int) -> list[Discount]:
    """Header and line discounts of the order, in the sequence they apply."""
    statement = (
        sa.select(Discount)
        .where(Discount.order_id == order_id)
        .order_by(Discount.order_line_id.nulls_first(), Discount.sequence)
    )
    return list((await session.scalars(statement)).all())


async def product_codes(session: AsyncSession, product_ids: Collection[int]) -> dict[int, str]:
    statement = sa.select(Product.id, Product.code).where(Product.id.in_(product_ids))
    return dict((await session.execute(statement)).all())


async def number_taken(
    session: AsyncSession, *, company_id: int, column: str, value: str, exclude_id: int | None
) -> bool:
    """Whether another order of the company uses this number (or series)."""
    statement = sa.select(Order.id).where(
        Order.company_id == company_id, getattr(Order, column) == value
    )
    if exclude_id is not None:
        statement = statement.where(Order.id != exclude_id)
    return (await session.scalar(statement.limit(1))) is not None


async def insert_lines(
    session: AsyncSession,
    order: Order,
    lines: Sequence[dict[str, Any]],
    line_discounts: Sequence[Sequence[dict[str, Any]]],
) -> list[OrderLine]:
    """Lines and their discounts, in entry order; positions count from 1."""
    rows = [
        OrderLine(order_id=order.id, position=position, **fields)
        for position, fields in enumerate(lines, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    session.add_all(
        Discount(order_id=order.id, order_line_id=row.id, **discount)
        for row, discounts in zip(rows, line_discounts, strict=True)
        for discount in discounts
    )
    return rows


async def insert_header_discounts(
    session: AsyncSession, order: Order, discounts: Sequence[dict[str, Any]]
) -> None:
    session.add_all(Discount(order_id=order.id, **discount) for discount in discounts)


async def delete_lines(session: AsyncSession, order_id: int) -> None:
    """Lines and every discount go; the caller writes the new ones."""
    await session.execute(sa.delete(Discount).where(Discount.order_id == order_id))
    await session.execute(sa.delete(OrderLine).where(OrderLine.order_id == order_id))


async def insert_delivery(
    session: AsyncSession,
    order: Order,
    *,
    delivered_on: date,
    complete: bool,
    note: str | None,
    recorded_at: datetime,
    items: Sequence[tuple[OrderLine, int]],
) -> Delivery:
    delivery = Delivery(
        order_id=order.id,
        delivered_on=delivered_on,
        complete=complete,
        note=note,
        recorded_at=recorded_at,
    )
    session.add(delivery)
    await session.flush()
    session.add_all(
        DeliveryItem(
            delivery_id=delivery.id,
            order_line_id=line.id,
            product_id=line.product_id,
            units=line.units,
            quantity=quantity,
        )
        for line, quantity in items
    )
    return delivery


async def insert_return(
    session: AsyncSession,
    order: Order,
    *,
    returned_on: date,
    note: str | None,
    recorded_at: datetime,
    items: Sequence[tuple[OrderLine, int]],
) -> Return:
    returned = Return(
        order_id=order.id, returned_on=returned_on, note=note, recorded_at=recorded_at
    )
    session.add(returned)
    await session.flush()
    session.add_all(
        ReturnItem(
            return_id=returned.id,
            order_line_id=line.id,
            product_id=line.product_id,
            units=line.units,
            quantity=quantity,
        )
        for line, quantity in items
    )
    return returned


async def delete_order(session: AsyncSession, order: Order) -> None:
    """The order, its lines, discounts, deliveries and returns go (ON DELETE CASCADE)."""
    await session.execute(sa.delete(Order).where(Order.id == order.id))
