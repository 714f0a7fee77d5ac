"""Orders move stock, in process: create checks, confirm reserves, deliver consumes, return
restocks, cancel releases the undelivered rest. Savepoint session, rolled back after each test.
"""

from typing import Any

import pytest
import sqlalchemy as sa
from strawberry.relay import from_base64, to_base64

from db import models
from tests.inventory.conftest import ERRORS, Item, Shop

PAYLOAD = f"order {{ id status }} {ERRORS}"


@pytest.fixture
async def shop(factory) -> Shop:
    """Products with 10 and 3 on hand, and one never stocked."""
    company = await factory.company()
    client = await factory.client(company)
    await factory.address(client)
    products = [await factory.product(company, stock=stock) for stock in (10, 3, None)]
    await factory.session.commit()  # a savepoint: refused mutations roll back to here
    return Shop.of(company, client, products)


async def mutate(gql, name: str, input: dict[str, Any]) -> dict[str, Any]:
    input_type = name[0].upper() + name[1:] + "Input"
    document = f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {PAYLOAD} }} }}"
    result = await gql(document, {"input": input})
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data[name]
    return payload


async def placed(gql, shop: Shop, lines) -> str:
    """A PENDING order's global id."""
    payload = await mutate(gql, "createOrder", shop.create_input(lines))
    assert payload["errors"] == []
    return str(payload["order"]["id"])


async def confirmed(gql, shop: Shop, lines) -> str:
    order_id = await placed(gql, shop, lines)
    payload = await mutate(gql, "confirmOrder", {"id": order_id})
    assert payload["errors"] == []
    assert payload["order"]["status"] == "CONFIRMED"
    return order_id


async def stock_field(gql, shop: Shop) -> list[int | None]:
    """Product.stock of the shop's products, in order."""
    query = "query Q($c: [ID!]) { products(companyIds: $c) { edges { node { id stock } } } }"
    result = await gql(query, {"c": [shop.company_gid]})
    assert result.errors is None, result.errors
    found = {e["node"]["id"]: e["node"]["stock"] for e in result.data["products"]["edges"]}
    return [found[to_base64("Product", p.id)] for p in shop.products]


async def rows(session, shop: Shop) -> list[tuple[int, int] | None]:
    """(on_hand, reserved) of the shop's products, in order."""
    item = models.StockItem
    found = {
        product_id: (on_hand, reserved)
        for product_id, on_hand, reserved in await session.execute(
            sa.select(item.product_id, item.on_hand, item.reserved)
        )
    }
    return [found.get(p.id) for p in shop.products]


def out_of_stock(field: str, product: Item, requested: int, available: int) -> dict:
    message = f"product {product.code}: {requested} requested, {available} available"
    return {"code": "OUT_OF_STOCK", "field": field, "message": message}


async def test_create_refuses_naming_each_short_product_and_writes_nothing(gql, shop, db_session):
    ten, three, never = shop.products
    lines = [(ten, 6), (three, 3), (never, 1), (ten, 5)]
    payload = await mutate(gql, "createOrder", shop.create_input(lines))

    assert payload["order"] is None
    assert payload["errors"] == [
        out_of_stock("lines.0.quantity", ten, 11, 10),
        out_of_stock("lines.2.quantity", never, 1, 0),
    ]
    count = sa.select(sa.func.count()).select_from(models.Order)
    assert await db_session.scalar(count.where(models.Order.company_id == shop.company_id)) == 0
    assert await rows(db_session, shop) == [(10, 0), (3, 0), None]


async def test_create_checks_but_does_not_reserve(gql, shop, db_session):
    ten, three, _ = shop.products
    await placed(gql, shop, [(ten, 10), (three, 3)])
    await placed(gql, shop, [(ten, 10)])  # the first one took nothing yet
    assert await stock_field(gql, shop) == [10, 3, 0]


async def test_confirm_reserves_and_confirming_again_reserves_nothing_more(gql, shop, db_session):
    ten, three, _ = shop.products
    order_id = await confirmed(gql, shop, [(ten, 4), (three, 1), (ten, 2)])
    assert await stock_field(gql, shop) == [4, 2, 0]

    again = await mutate(gql, "confirmOrder", {"id": order_id, "estimatedDeliveryOn": "2031-01-02"})
    assert (again["errors"], again["order"]["status"]) == ([], "CONFIRMED")
    assert await stock_field(gql, shop) == [4, 2, 0]
    assert await rows(db_session, shop) == [(10, 6), (3, 1), None]


async def test_confirm_refuses_units_another_order_took(gql, shop, db_session):
    _, three, _ = shop.products
    first = await placed(gql, shop, [(three, 2)])
    second = await placed(gql, shop, [(three, 2)])
    assert (await mutate(gql, "confirmOrder", {"id": first}))["errors"] == []

    refused = await mutate(gql, "confirmOrder", {"id": second})
    assert refused == {"order": None, "errors": [out_of_stock("id", three, 2, 1)]}
    assert await rows(db_session, shop) == [(10, 0), (3, 2), None]
    status = await gql("query Q($id: ID!) { order(id: $id) { status } }", {"id": second})
    assert status.data == {"order": {"status": "PENDING"}}


async def test_confirm_names_every_short_product(gql, shop):
    ten, three, _ = shop.products
    first = await placed(gql, shop, [(ten, 9), (three, 3)])
    second = await placed(gql, shop, [(ten, 2), (three, 1)])
    assert (await mutate(gql, "confirmOrder", {"id": first}))["errors"] == []

    refused = await mutate(gql, "confirmOrder", {"id": second})
    assert refused["errors"] == [out_of_stock("id", ten, 2, 1), out_of_stock("id", three, 1, 0)]


async def test_deliver_consumes_return_restocks_and_cancel_releases_the_rest(gql, shop, db_session):
    ten, three, _ = shop.products
    order_id = await confirmed(gql, shop, [(ten, 4), (three, 2)])
    assert await rows(db_session, shop) == [(10, 4), (3, 2), None]

    items = [{"productCode": ten.code, "quantity": 3}]
    delivered = await mutate(gql, "deliverOrder", {"id": order_id, "items": items})
    assert (delivered["errors"], delivered["order"]["status"]) == ([], "PARTIALLY_DELIVERED")
    assert await rows(db_session, shop) == [(7, 1), (3, 2), None]  # the held units left
    assert await stock_field(gql, shop) == [6, 1, 0]  # availability did not move

    items = [{"productCode": ten.code, "quantity": 2}]
    returned = await mutate(gql, "returnOrderItems", {"id": order_id, "items": items})
    assert returned["errors"] == []
    assert await rows(db_session, shop) == [(9, 1), (3, 2), None]

    cancel = {"id": order_id, "reason": "OTHER"}
    assert (await mutate(gql, "cancelOrder", cancel))["order"]["status"] == "CANCELLED"
    assert await rows(db_session, shop) == [(9, 0), (3, 0), None]
    assert await stock_field(gql, shop) == [9, 3, 0]
    held = sa.select(sa.func.coalesce(sa.func.sum(models.StockReservation.quantity), 0)).where(
        models.StockReservation.order_id == int(from_base64(order_id)[1])
    )
    assert await db_session.scalar(held) == 0  # this order's holds: other tests may leave theirs


async def test_complete_delivery_consumes_exactly_what_was_reserved(gql, shop, db_session):
    ten, three, _ = shop.products
    order_id = await confirmed(gql, shop, [(ten, 4), (three, 3)])
    delivered = await mutate(gql, "deliverOrder", {"id": order_id, "complete": True})
    assert delivered["order"]["status"] == "DELIVERED"
    assert await rows(db_session, shop) == [(6, 0), (0, 0), None]
