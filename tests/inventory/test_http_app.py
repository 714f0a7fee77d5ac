"""The inventory service refuses a malformed request with a 422 and a JSON reason, changing nothing.

A refused request is the caller's bug, not an outage: it must not count towards the caller's
circuit breaker. The service runs under uvicorn on loopback (the `inventory_url` fixture).
"""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.domain.errors import InventoryUnavailable
from app.inventory.http_client import HttpStock
from app.stock_guard import GuardedStock, InventoryGuard
from db import models
from tests.inventory.conftest import Sessions, held_by, stock_row

ORDER = 2_100_000_123  # an order id no real order has (holds need no order row)
NO_PRODUCT = 2_147_000_000  # an id within INTEGER that is no product


@pytest.fixture
async def http(inventory_url, sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=inventory_url, timeout=10) as client:
        yield client
    async with sessions() as session:
        await session.execute(
            sa.delete(models.StockMovement).where(models.StockMovement.order_id == ORDER)
        )
        await session.commit()


@pytest.fixture
async def product(make_shop, http) -> int:
    """A product with 10 on hand, 4 of them held by ORDER."""
    product_id = (await make_shop([10])).products[0].id
    answer = await http.post("/v1/reserve", json=movement({product_id: 4}))
    assert answer.status_code == 200, answer.text
    return product_id


def movement(quantities: dict[Any, Any], order_id: Any = ORDER) -> dict[str, Any]:
    key = f"http-app:{uuid.uuid4().hex}"
    return {
        "key": key,
        "orderId": order_id,
        "quantities": {str(k): v for k, v in quantities.items()},
    }


async def assert_refused(answer: httpx.Response, code: str = "INVALID") -> dict[str, Any]:
    assert answer.status_code == 422, answer.text
    body: dict[str, Any] = answer.json()
    assert body["code"] == code
    return body


@pytest.mark.parametrize("path", ["/v1/reserve", "/v1/consume", "/v1/restock"])
@pytest.mark.parametrize("quantity", [-5, 0, 1.5, "2", True, 10**12], ids=repr)
async def test_quantities_must_be_positive_integers(http, sessions, product, path, quantity):
    await assert_refused(await http.post(path, json=movement({product: quantity})))
    assert await stock_row(sessions, product) == (10, 4)
    assert await held_by(sessions, ORDER) == {product: 4}


@pytest.mark.parametrize("order_id", [0, -1, 2**31, "x"], ids=repr)
async def test_order_ids_must_fit_the_column(http, sessions, product, order_id):
    await assert_refused(await http.post("/v1/reserve", json=movement({product: 1}, order_id)))
    assert await stock_row(sessions, product) == (10, 4)


@pytest.mark.parametrize("path", ["/v1/reserve", "/v1/consume", "/v1/restock"])
async def test_an_unknown_product_is_named_and_nothing_moves(http, sessions, product, path):
    answer = await http.post(path, json=movement({product: 1, NO_PRODUCT: 1}))
    body = await assert_refused(answer, "UNKNOWN_PRODUCT")
    assert body["productIds"] == [NO_PRODUCT]
    assert await stock_row(sessions, product) == (10, 4)
    assert await stock_row(sessions, NO_PRODUCT) is None


async def test_a_stock_count_names_a_product_and_a_count_that_fit(http, sessions, product):
    body = await assert_refused(
        await http.put(f"/v1/stock/{NO_PRODUCT}", json={"onHand": 3}), "UNKNOWN_PRODUCT"
    )
    assert body["productIds"] == [NO_PRODUCT]
    await assert_refused(await http.put(f"/v1/stock/{2**31}", json={"onHand": 3}))
    await assert_refused(await http.put(f"/v1/stock/{product}", json={"onHand": -1}))
    await assert_refused(await http.put(f"/v1/stock/{product}", json={"onHand": 2**31}))
    assert await stock_row(sessions, product) == (10, 4)


@pytest.mark.parametrize(
    "content",
    [b"[]", b'[{"key": "k", "orderId": 1}]', b'"reserve"', b"null", b"{not json"],
    ids=["empty-list", "list", "string", "null", "not-json"],
)
@pytest.mark.parametrize("path", ["/v1/reserve", "/v1/release", "/v1/availability"])
async def test_the_body_must_be_a_json_object(http, path, content):
    headers = {"content-type": "application/json"}
    await assert_refused(await http.post(path, content=content, headers=headers))


async def test_availability_ids_must_fit_the_column(http):
    await assert_refused(await http.post("/v1/availability", json={"productIds": [-1]}))
    await assert_refused(await http.post("/v1/availability", json={"productIds": [2**31]}))


async def test_refused_requests_do_not_open_the_callers_breaker(http, sessions, product):
    guard = InventoryGuard(fail_max=1, reset_timeout_s=30, call_timeout_s=10)
    stock = GuardedStock(HttpStock(http), guard)
    for _ in range(3):
        with pytest.raises(InventoryUnavailable):
            await stock.reserve(f"http-app:{uuid.uuid4().hex}", ORDER, {NO_PRODUCT: 1})
        with pytest.raises(InventoryUnavailable):
            await stock.restock(f"http-app:{uuid.uuid4().hex}", ORDER, {product: -8})
    assert (guard.state, guard.breaker.fail_counter) == ("closed", 0)
    assert await stock_row(sessions, product) == (10, 4)
