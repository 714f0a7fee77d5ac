"""Find and release reservations whose order is gone or no longer waiting for its goods.

A remote reservation can outlive a failed order change when the compensating call itself fails;
this is the sweep that catches those.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.inventory.ledger import Ledger
from db.engine import unit_of_work
from db.queries import stock


async def release_orphans(session: AsyncSession) -> dict[int, dict[int, int]]:
    """Release every orphaned hold; returns what was released per order id."""
    released: dict[int, dict[int, int]] = {}
    async with unit_of_work(session):
        ledger = Ledger(session)
        for order_id in await stock.holds_without_open_order(session):
            key = f"reconcile:order:{order_id}:{uuid.uuid4().hex}"
            released[order_id] = await ledger.release(key, order_id)
            await stock.forget_reservations(session, order_id)
    return released
