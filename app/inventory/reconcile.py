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
    """Release every orphaned hold; returns what was released per order id.

    One transaction per order, each re-checking the order under its row lock: a confirm that
    has reserved but not committed yet is waited for, not robbed of its stock.
    """
    released: dict[int, dict[int, int]] = {}
    async with unit_of_work(session):
        candidates = await stock.holds_without_open_order(session)
    for order_id in candidates:
        async with unit_of_work(session):
            if await stock.order_is_open(session, order_id):
                continue
            key = f"reconcile:order:{order_id}:{uuid.uuid4().hex}"
            quantities = await Ledger(session).release(key, order_id)
            await stock.forget_reservations(session, order_id)
        if quantities:
            released[order_id] = quantities
    return released
