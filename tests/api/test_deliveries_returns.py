"""Deliveries (partial by product, or complete), returns and cancellation, through the API."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.test_create_order import (
    ERRORS,
    Shop,
    create_order_input,
    line_input,
    make_shop,
    mutate,
    read_order,
)

STATE = """
  id status version deliveredAt deliveredQuantity returnedQuantity pendingQuantity
  cancelledAt cancellationReason cancellationNote
  lines {
    product { code stock } units quantity deliveredQuantity returnedQuantity pendingQuantity
    status
  }
  deliveries { deliveredOn complete note items { product { code } units quantity } }
  returns { returnedOn note items { product { code } units quantity } }
  events { edges { node { kind statusBefore statusAfter details } } }
"""
PAYLOAD = f"order {{ {STATE} }} {ERRORS}"


@pytest.fixture
async def shop(factory: Any) -> Shop:
    return await make_shop(factory)


@pytest.fixture
async def order(gql: Any, shop: Shop) -> Any:
    """A CONFIRMED order of 2025-11-20: 10 of product A (units 1), 4 packs of B (units 6)."""
    lines = [line_input(shop.products[0], 10), line_input(shop.products[1], 4, units=6)]
    placed = create_order_input(shop, lines, orderedAt="2025-11-20T10:00:00+00:00")
    created = await mutate(gql, "createOrder", placed, PAYLOAD)
    return (await mutate(gql, "confirmOrder", {"id": created["order"]["id"]}, PAYLOAD))["order"]


def item(product: Any, units: int, quantity: int) -> dict[str, Any]:
    return {"productCode": product.code, "units": units, "quantity": quantity}


def moved(product: Any, units: int, quantity: int) -> dict[str, Any]:
    """An item as order.deliveries and order.returns show it."""
    return {"product": {"code": product.code}, "units": units, "quantity": quantity}


async def deliver(gql: Any, order: Any, **fields: Any) -> Any:
    return await mutate(gql, "deliverOrder", {"id": order["id"]} | fields, PAYLOAD)


async def return_items(gql: Any, order: Any, *items: dict[str, Any], **fields: Any) -> Any:
    return await mutate(
        gql, "returnOrderItems", {"id": order["id"], "items": list(items)} | fields, PAYLOAD
    )


def line_counts(order: Any) -> list[tuple[int, int, int, str]]:
    """(delivered, returned, pending, status) per line."""
    return [
        (ln["deliveredQuantity"], ln["returnedQuantity"], ln["pendingQuantity"], ln["status"])
        for ln in order["lines"]
    ]


def invalid(field: str, message: str) -> dict[str, Any]:
    return {"order": None, "errors": [{"code": "INVALID", "field": field, "message": message}]}


async def test_partial_deliveries_accumulate_per_line_as_dated_records(gql, shop, order):
    a, b = shop.products
    await deliver(gql, order, date="2025-12-01", items=[item(a, 1, 4)])

    payload = await deliver(gql, order, date="2025-12-03", items=[item(a, 1, 3), item(b, 6, 1)])

    after = payload["order"]
    assert (after["status"], after["deliveredAt"]) == ("PARTIALLY_DELIVERED", None)
    assert (after["deliveredQuantity"], after["pendingQuantity"]) == (8, 6)
    assert line_counts(after) == [
        (7, 0, 3, "PARTIALLY_DELIVERED"),
        (1, 0, 3, "PARTIALLY_DELIVERED"),
    ]
    assert after["deliveries"] == [
        {"deliveredOn": "2025-12-01", "complete": False, "note": None, "items": [moved(a, 1, 4)]},
        {
            "deliveredOn": "2025-12-03",
            "complete": False,
            "note": None,
            "items": [moved(a, 1, 3), moved(b, 6, 1)],
        },
    ]


async def test_the_order_is_delivered_with_its_last_unit(gql, shop, order):
    a, b = shop.products
    await deliver(gql, order, items=[item(a, 1, 10), item(b, 6, 3)])

    payload = await deliver(gql, order, items=[item(b, 6, 1)])

    after = payload["order"]
    assert (after["status"], after["deliveredQuantity"], after["pendingQuantity"]) == (
        "DELIVERED",
        14,
        0,
    )
    assert abs(datetime.fromisoformat(after["deliveredAt"]) - datetime.now(UTC)) < timedelta(
        minutes=1
    )
    assert line_counts(after) == [(10, 0, 0, "DELIVERED"), (4, 0, 0, "DELIVERED")]
    assert after["deliveries"][-1]["deliveredOn"] == str(datetime.now(UTC).date())


async def test_a_complete_delivery_delivers_everything_still_pending(gql, shop, order):
    a, b = shop.products
    await deliver(gql, order, items=[item(a, 1, 4)])

    payload = await deliver(gql, order, complete=True, note="all in")

    after = payload["order"]
    assert (after["status"], after["pendingQuantity"]) == ("DELIVERED", 0)
    assert after["deliveries"][-1]["complete"] is True
    assert after["deliveries"][-1]["items"] == [moved(a, 1, 6), moved(b, 6, 4)]
    assert after["deliveries"][-1]["note"] == "all in"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1900-01-01", "must be a date from 1901-01-01 to 8999-12-31"),
        ("2025-11-18", "must not be before the order date 2025-11-20"),
        (str(datetime.now(UTC).date() + timedelta(days=2)), "must not be in the future"),
    ],
)
async def test_a_delivery_or_return_dated_outside_the_orders_life_is_refused(
    gql, shop, order, day, message
):
    a = shop.products[0]
    await deliver(gql, order, items=[item(a, 1, 2)])
    before = await read_order(gql, order["id"], STATE)

    delivered = await deliver(gql, order, date=day, items=[item(a, 1, 1)])
    returned = await return_items(gql, order, item(a, 1, 1), date=day)

    for payload in (delivered, returned):
        assert payload["order"] is None
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == ("INVALID", "date")
        assert error["message"].startswith(message)
    assert await read_order(gql, order["id"], STATE) == before


async def test_a_complete_delivery_takes_no_items(gql, shop, order):
    payload = await deliver(gql, order, complete=True, items=[item(shop.products[0], 1, 1)])

    assert payload == invalid("items", "a complete delivery takes no items; send one or the other")


async def test_delivering_more_than_pending_is_refused_and_changes_nothing(gql, shop, order):
    a = shop.products[0]

    payload = await deliver(gql, order, items=[item(a, 1, 11)])

    message = f"cannot deliver 11 of product {a.code} (units 1): only 10 pending"
    assert payload == invalid("items.0.quantity", message)
    assert await read_order(gql, order["id"], STATE) == order


async def test_items_of_one_delivery_share_what_is_pending(gql, shop, order):
    a = shop.products[0]

    payload = await deliver(gql, order, items=[item(a, 1, 6), item(a, 1, 6)])

    message = f"cannot deliver 6 of product {a.code} (units 1): only 4 pending"
    assert payload == invalid("items.1.quantity", message)


@pytest.mark.parametrize(
    ("code", "units", "described"),
    [("NOPE", 1, "product NOPE (units 1)"), (None, 1, "product {code} (units 1)")],
    ids=["unknown code", "wrong packaging"],
)
async def test_a_product_the_order_does_not_have_is_refused(
    gql, shop, order, code, units, described
):
    b = shop.products[1]  # ordered in packs of 6
    wanted = {"productCode": code or b.code, "units": units, "quantity": 1}

    payload = await deliver(gql, order, items=[wanted])

    message = f"this order has no line for {described.format(code=b.code)}"
    assert payload == invalid("items.0.productCode", message)
    assert await read_order(gql, order["id"], STATE) == order


async def test_returns_accumulate_and_never_exceed_what_was_delivered(gql, shop, order):
    a = shop.products[0]
    await deliver(gql, order, items=[item(a, 1, 5)])
    await return_items(gql, order, item(a, 1, 3), date="2025-12-05", note="damaged")
    second = (await return_items(gql, order, item(a, 1, 2), date="2025-12-06"))["order"]

    payload = await return_items(gql, order, item(a, 1, 1))

    message = f"cannot return 1 of product {a.code} (units 1): only 0 delivered and not returned"
    assert payload == invalid("items.0.quantity", message)
    after = await read_order(gql, order["id"], STATE)
    assert after == second
    assert (after["status"], after["returnedQuantity"]) == ("PARTIALLY_DELIVERED", 5)
    assert line_counts(after)[0] == (5, 5, 5, "PARTIALLY_DELIVERED")
    assert after["returns"] == [
        {"returnedOn": "2025-12-05", "note": "damaged", "items": [moved(a, 1, 3)]},
        {"returnedOn": "2025-12-06", "note": None, "items": [moved(a, 1, 2)]},
    ]


async def test_a_product_not_delivered_cannot_be_returned(gql, shop, order):
    a, b = shop.products
    await deliver(gql, order, items=[item(a, 1, 5)])

    payload = await return_items(gql, order, item(b, 6, 1))

    message = f"cannot return 1 of product {b.code} (units 6): only 0 delivered and not returned"
    assert payload == invalid("items.0.quantity", message)


async def test_cancel_records_the_reason_and_note_and_cancels_undelivered_lines(gql, shop, order):
    await deliver(gql, order, items=[item(shop.products[0], 1, 4)])
    cancel_input = {
        "id": order["id"],
        "reason": "IMPRECISE_DELIVERY_ADDRESS",
        "note": "no such street",
    }

    payload = await mutate(gql, "cancelOrder", cancel_input, PAYLOAD)

    after = payload["order"]
    assert (after["status"], after["cancellationReason"], after["cancellationNote"]) == (
        "CANCELLED",
        "IMPRECISE_DELIVERY_ADDRESS",
        "no such street",
    )
    cancelled_at = datetime.fromisoformat(after["cancelledAt"])
    assert abs(cancelled_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert [ln["status"] for ln in after["lines"]] == ["PARTIALLY_DELIVERED", "CANCELLED"]
    # of 1000 each: the 4 delivered are gone, the reservation of the rest is released
    assert [ln["product"]["stock"] for ln in after["lines"]] == [996, 1000]
    assert after["events"]["edges"][-1]["node"] == {
        "kind": "CANCELLED",
        "statusBefore": "PARTIALLY_DELIVERED",
        "statusAfter": "CANCELLED",
        "details": {"reason": "IMPRECISE_DELIVERY_ADDRESS", "note": "no such street"},
    }


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            None,
            "Variable '$input' has invalid value: Expected value of type 'CancelOrderInput'"
            " to include required field 'reason', found: {'id': '%s'}.",
        ),
        (
            "BECAUSE",
            "Variable '$input' has invalid value at .reason: Value 'BECAUSE' does not exist"
            " in 'CancellationReason' enum.",
        ),
    ],
    ids=["missing", "unknown"],
)
async def test_cancel_needs_a_known_reason(gql, order, reason, message):
    cancel_input = {"id": order["id"]} | ({"reason": reason} if reason else {})
    document = (
        "mutation M($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id } } }"
    )

    result = await gql(document, {"input": cancel_input})

    assert [error.message for error in result.errors] == [message.replace("%s", order["id"])]
    assert (await read_order(gql, order["id"], STATE)) == order
