"""200 clients race for 10 units: exactly 10 are reserved, in process and over HTTP.

Each client creates an order for one unit and confirms it, each request on its own session and
transaction, all at once. The engines have bounded pools so PostgreSQL's connection limit holds.
The guard's call timeout is generous: this is about who gets the units, not about slowness.
"""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.inventory.http_app import create_inventory_app
from app.stock_guard import InventoryGuard
from db import models
from db.engine import LockedAsyncSession
from tests.inventory.conftest import OrderSide, Shop, Uvicorn, codes, stock_row

CLIENTS = 200
ON_HAND = 10


@pytest.fixture(params=["in_process", "http"])
async def order_side(
    request, database_url, make_shop, undo_log
) -> AsyncIterator[tuple[OrderSide, Shop]]:
    shop = await make_shop([ON_HAND])
    engine = create_async_engine(database_url, pool_size=20, max_overflow=0, pool_timeout=60)
    inventory_engine = create_async_engine(database_url, pool_size=10, max_overflow=0)
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    guard = InventoryGuard(fail_max=CLIENTS, reset_timeout_s=1, call_timeout_s=60)
    server = None
    try:
        if request.param == "http":
            app = create_inventory_app(database_url, engine=inventory_engine)
            server = await Uvicorn(app).start()
            limits = httpx.Limits(max_connections=50)
            async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
                yield OrderSide(sessions, [shop.company_id], guard, http, undo_log), shop
        else:
            yield OrderSide(sessions, [shop.company_id], guard), shop
    finally:
        if server is not None:
            await server.stop()
        await engine.dispose()
        await inventory_engine.dispose()


async def create_and_confirm(side: OrderSide, shop: Shop) -> str:
    """What one client got: CONFIRMED, or the error code that stopped it."""
    created = await side.create(shop, [(shop.products[0], 1)])
    if created["errors"]:
        return "/".join(codes(created)) + " at create"
    confirmed = await side.confirm(created["order"]["id"])
    if confirmed["errors"]:
        return "/".join(codes(confirmed)) + " at confirm"
    return str(confirmed["order"]["status"])


async def test_exactly_the_units_on_hand_are_reserved(order_side, sessions):
    side, shop = order_side
    started = time.monotonic()
    async with asyncio.timeout(120):
        outcomes = await asyncio.gather(*(create_and_confirm(side, shop) for _ in range(CLIENTS)))
    elapsed = time.monotonic() - started

    tally = Counter(outcomes)
    refused = tally["OUT_OF_STOCK at create"] + tally["OUT_OF_STOCK at confirm"]
    assert (tally["CONFIRMED"], refused) == (ON_HAND, CLIENTS - ON_HAND), (tally, elapsed)
    product = shop.products[0].id
    assert await stock_row(sessions, product) == (ON_HAND, ON_HAND)
    async with sessions() as session:
        held = await session.execute(
            sa.select(models.StockReservation.order_id, models.StockReservation.quantity).where(
                models.StockReservation.product_id == product, models.StockReservation.quantity > 0
            )
        )
        holds = dict(held.all())
        confirmed = await session.scalars(
            sa.select(models.Order.id).where(
                models.Order.company_id == shop.company_id,
                models.Order.status == "CONFIRMED",
            )
        )
        assert holds == dict.fromkeys(confirmed.all(), 1)  # one unit held per confirmed order
