"""One contract, two doors: the inventory in process and over HTTP must behave the same.

`stock` is parametrized: "in_process" is InProcessStock on a session committed after each call
(rolled back when the call raises, as the HTTP endpoint does); "http" is HttpStock against
create_inventory_app under uvicorn on loopback, on the same database.
"""

import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain.stock import InsufficientStock, Shortage
from app.inventory.http_client import HttpStock
from app.stock_port import InProcessStock, StockPort
from db import models
from tests.inventory.conftest import Sessions, held_by, stock_row

_orders = itertools.count(2_000_000_000)  # order ids no real order has (holds need no order row)


class CommittingStock:
    """InProcessStock, each call in its own transaction: committed, or rolled back on error."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def __getattr__(self, name: str) -> Callable[..., Any]:
        async def call(*args: Any) -> Any:
            async with self.sessions() as session:
                try:
                    result = await getattr(InProcessStock(session), name)(*args)
                except BaseException:
                    await session.rollback()
                    raise
                await session.commit()
                return result

        return call


class Door:
    """The stock port under test, plus what the contract tests need around it."""

    def __init__(self, kind: str, port: Any, sessions: Sessions, http: Any) -> None:
        self.kind = kind
        self.port = port
        self.sessions = sessions
        self.http = http
        self.prefix = f"contract:{uuid.uuid4().hex[:12]}:"

    def key(self, name: str) -> str:
        return self.prefix + name

    @asynccontextmanager
    async def uncommitted(self) -> AsyncIterator[StockPort]:
        """A port used inside an order change that then fails: its session is rolled back."""
        async with self.sessions() as session:
            yield InProcessStock(session) if self.kind == "in_process" else HttpStock(self.http)
            await session.rollback()

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        found: dict[int, int] = await self.port.available(product_ids)
        return found

    async def levels(self, quantities: Mapping[int, int]) -> None:
        """Assert the availability of each product."""
        assert await self.available(quantities.keys()) == dict(quantities)


@pytest.fixture(params=["in_process", "http"])
async def stock(request, sessions, inventory_url) -> AsyncIterator[Door]:
    async with httpx.AsyncClient(base_url=inventory_url, timeout=10) as http:
        port: Any = HttpStock(http) if request.param == "http" else CommittingStock(sessions)
        door = Door(request.param, port, sessions, http)
        yield door
    async with sessions() as session:
        await session.execute(
            sa.delete(models.StockMovement).where(models.StockMovement.key.like(door.prefix + "%"))
        )
        await session.commit()


@pytest.fixture
async def products(make_shop) -> list[int]:
    """Three product ids: 10 on hand, 3 on hand, never stocked."""
    shop = await make_shop([10, 3, None])
    return [p.id for p in shop.products]


async def test_availability_is_batched_and_never_stocked_products_have_none(stock, products):
    a, b, never = products
    assert await stock.available([a, b, never]) == {a: 10, b: 3, never: 0}
    assert await stock.available([]) == {}


async def test_availability_of_more_than_a_thousand_products_in_one_call(stock):
    ids = list(range(2_100_000_000, 2_100_001_001))
    assert await stock.available(ids) == dict.fromkeys(ids, 0)


async def test_reserve_is_all_or_none(stock, products):
    a, b, _ = products
    order = next(_orders)
    with pytest.raises(InsufficientStock) as refused:
        await stock.port.reserve(stock.key("r"), order, {a: 5, b: 4})
    assert refused.value.shortages == [Shortage(b, 4, 3)]
    await stock.levels({a: 10, b: 3})
    # the refused call claimed nothing: the same key can reserve once the request fits
    await stock.port.reserve(stock.key("r"), order, {a: 5, b: 3})
    await stock.levels({a: 5, b: 0})


async def test_reserve_names_every_short_product(stock, products):
    a, b, never = products
    with pytest.raises(InsufficientStock) as refused:
        await stock.port.reserve(stock.key("r"), next(_orders), {a: 11, b: 1, never: 2})
    assert refused.value.shortages == [Shortage(a, 11, 10), Shortage(never, 2, 0)]
    await stock.levels({a: 10, b: 3, never: 0})


async def test_the_same_key_reserves_once(stock, products):
    a, _, _ = products
    order = next(_orders)
    for _ in range(3):
        await stock.port.reserve(stock.key("r"), order, {a: 4})
    await stock.levels({a: 6})
    await stock.port.reserve(stock.key("r2"), order, {a: 1})  # a new key sets the hold anew
    await stock.levels({a: 9})
    assert await stock_row(stock.sessions, a) == (10, 1)


async def test_reserving_for_a_changed_order_replaces_its_hold(stock, products):
    a, b, _ = products
    order = next(_orders)
    # v1 was applied (its confirm timed out and was never undone); v2 asks for other quantities
    await stock.port.reserve(stock.key("r:v1"), order, {a: 2, b: 1})
    for _ in range(2):  # the second call is a retry
        await stock.port.reserve(stock.key("r:v2"), order, {a: 3})
    assert await held_by(stock.sessions, order) == {a: 3}
    await stock.levels({a: 7, b: 3})


async def test_a_hold_grows_only_by_what_is_free(stock, products):
    _, b, _ = products  # 3 on hand
    order, other = next(_orders), next(_orders)
    await stock.port.reserve(stock.key("r:v1"), order, {b: 2})
    await stock.port.reserve(stock.key("r-other"), other, {b: 1})
    with pytest.raises(InsufficientStock) as refused:
        await stock.port.reserve(stock.key("r:v2"), order, {b: 4})
    assert refused.value.shortages == [Shortage(b, 4, 2)]  # its own 2 held, none free
    assert await held_by(stock.sessions, order) == {b: 2}
    await stock.port.reserve(stock.key("r:v2"), order, {b: 2})  # the same hold: nothing moves
    assert await stock_row(stock.sessions, b) == (3, 3)


async def test_undo_of_a_replacing_reserve_puts_the_earlier_hold_back(stock, products):
    a, b, _ = products
    order = next(_orders)
    await stock.port.reserve(stock.key("r:v1"), order, {a: 2})
    async with stock.uncommitted() as port:
        await port.reserve(stock.key("r:v2"), order, {a: 5, b: 1})
    await stock.port.undo(stock.key("r:v2"), order)
    assert await held_by(stock.sessions, order) == {a: 2}
    await stock.levels({a: 8, b: 3})


async def test_release_gives_back_what_the_order_holds_once(stock, products):
    a, b, _ = products
    order, other = next(_orders), next(_orders)
    await stock.port.reserve(stock.key("r"), order, {a: 4, b: 2})
    await stock.port.reserve(stock.key("r-other"), other, {a: 1})
    await stock.port.release(stock.key("rel"), order)
    await stock.levels({a: 9, b: 3})
    await stock.port.release(stock.key("rel"), order)  # retried
    await stock.port.release(stock.key("rel-again"), order)  # nothing left to release
    await stock.levels({a: 9, b: 3})
    assert await stock_row(stock.sessions, a) == (10, 1)


async def test_consume_uses_the_hold_first(stock, products):
    a, _, _ = products
    order = next(_orders)
    await stock.port.reserve(stock.key("r"), order, {a: 4})
    await stock.port.consume(stock.key("c"), order, {a: 6})  # 4 held + 2 free
    assert await stock_row(stock.sessions, a) == (4, 0)
    assert await held_by(stock.sessions, order) == {}


async def test_the_same_key_consumes_once(stock, products):
    a, _, _ = products
    order = next(_orders)
    await stock.port.reserve(stock.key("r"), order, {a: 3})
    for _ in range(3):
        await stock.port.consume(stock.key("c"), order, {a: 2})
    assert await stock_row(stock.sessions, a) == (8, 1)
    assert await held_by(stock.sessions, order) == {a: 1}


@pytest.mark.parametrize("movement", ["reserve", "consume"])
async def test_a_retried_movement_succeeds_when_it_took_the_last_units(stock, products, movement):
    _, b, _ = products  # 3 on hand
    order = next(_orders)
    for _ in range(2):  # the second call is the retry after a lost answer
        await getattr(stock.port, movement)(stock.key("m"), order, {b: 3})
    expected = (3, 3) if movement == "reserve" else (0, 0)
    assert await stock_row(stock.sessions, b) == expected


async def test_consume_refuses_to_go_negative_or_take_others_holds(stock, products):
    a, b, _ = products
    order, other = next(_orders), next(_orders)
    await stock.port.reserve(stock.key("r-other"), other, {a: 4})
    with pytest.raises(InsufficientStock) as refused:
        await stock.port.consume(stock.key("c"), order, {a: 7, b: 1})  # only 6 are free
    assert refused.value.shortages == [Shortage(a, 7, 6)]
    with pytest.raises(InsufficientStock):
        await stock.port.consume(stock.key("c2"), order, {b: 4})
    assert await stock_row(stock.sessions, a) == (10, 4)
    assert await stock_row(stock.sessions, b) == (3, 0)


async def test_restock_adds_on_hand_once_per_key(stock, products):
    a, _, never = products
    order = next(_orders)
    await stock.port.restock(stock.key("s"), order, {a: 5, never: 2})
    await stock.port.restock(stock.key("s"), order, {a: 5, never: 2})
    await stock.levels({a: 15, never: 2})
    assert await stock_row(stock.sessions, never) == (2, 0)


async def test_undo_reserve_restores_availability_and_frees_the_key(stock, products):
    a, b, _ = products
    order = next(_orders)
    async with stock.uncommitted() as port:  # the order change that reserved did not commit
        await port.reserve(stock.key("r"), order, {a: 3, b: 1})
    await stock.port.undo(stock.key("r"), order)
    await stock.port.undo(stock.key("r"), order)  # retried compensation
    await stock.levels({a: 10, b: 3})
    assert await held_by(stock.sessions, order) == {}
    await stock.port.reserve(stock.key("r"), order, {a: 3})  # the retried change reserves again
    await stock.levels({a: 7, b: 3})


async def test_undo_reverses_consume_restock_and_release(stock, products):
    a, b, _ = products
    order = next(_orders)
    await stock.port.reserve(stock.key("r"), order, {a: 4, b: 2})
    async with stock.uncommitted() as port:
        await port.consume(stock.key("c"), order, {a: 5})
    async with stock.uncommitted() as port:
        await port.restock(stock.key("s"), order, {b: 6})
    async with stock.uncommitted() as port:
        await port.release(stock.key("rel"), order)
    for name in ("rel", "s", "c"):  # newest first, as settle() does
        await stock.port.undo(stock.key(name), order)
    assert await stock_row(stock.sessions, a) == (10, 4)
    assert await stock_row(stock.sessions, b) == (3, 2)
    assert await held_by(stock.sessions, order) == {a: 4, b: 2}
    await stock.port.consume(stock.key("c"), order, {a: 5})  # the key applies anew
    assert await stock_row(stock.sessions, a) == (5, 0)


async def test_undo_of_an_unknown_key_changes_nothing(stock, products):
    a, _, _ = products
    order = next(_orders)
    await stock.port.reserve(stock.key("r"), order, {a: 2})
    await stock.port.undo(stock.key("never-made"), order)
    await stock.levels({a: 8})


async def test_set_on_hand_is_refused_below_what_is_reserved(stock, products):
    a, _, never = products
    await stock.port.reserve(stock.key("r"), next(_orders), {a: 4})
    with pytest.raises(InsufficientStock) as refused:
        await stock.port.set_on_hand(a, 3)
    assert refused.value.shortages == [Shortage(a, 4, 3)]
    await stock.port.set_on_hand(a, 4)
    await stock.levels({a: 0})
    await stock.port.set_on_hand(a, 20)
    await stock.port.set_on_hand(never, 7)
    await stock.levels({a: 16, never: 7})
    assert await stock_row(stock.sessions, a) == (20, 4)


@pytest.mark.parametrize(
    "values",
    [{"reserved": models.StockItem.on_hand + 1}, {"on_hand": -1}, {"reserved": -1}],
    ids=["reserved-above-on-hand", "negative-on-hand", "negative-reserved"],
)
async def test_the_database_refuses_negative_stock(sessions, products, values):
    a, _, _ = products
    async with sessions() as session:
        with pytest.raises(IntegrityError, match="check constraint"):
            await session.execute(
                sa.update(models.StockItem).where(models.StockItem.product_id == a).values(values)
            )
        await session.rollback()
    assert await stock_row(sessions, a) == (10, 0)
