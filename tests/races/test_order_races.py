"""Two clients at once on one order (or one number): the outcome is that of some serial order."""

import asyncio
from typing import Any

import pytest

from app.domain.vocabulary import OrderStatus
from tests.api.test_create_order import ERRORS, create_order_input, mutate, read_order

STATE = """
  status version deliveredQuantity
  lines { deliveredQuantity product { stock } }
  deliveries { id }
  events { edges { node { kind statusBefore statusAfter } } }
"""
PAYLOAD = f"order {{ status version }} {ERRORS}"
ON_HAND = 1000  # what the factory stocks of every product


def history(order: Any) -> list[tuple[str, str | None, str]]:
    return [
        (edge["node"]["kind"], edge["node"]["statusBefore"], edge["node"]["statusAfter"])
        for edge in order["events"]["edges"]
    ]


def stock_of(order: Any) -> int:
    return order["lines"][0]["product"]["stock"]


async def both(committed_gql: Any, *calls: tuple[str, dict[str, Any]]) -> list[Any]:
    """Start the mutations together; their payloads in the order given."""
    return await asyncio.gather(
        *(mutate(committed_gql, name, input, PAYLOAD) for name, input in calls)
    )


async def test_two_confirms_reserve_once_and_confirm_from_pending_once(committed, committed_gql):
    order_id = await committed.order(4)

    payloads = await both(
        committed_gql, ("confirmOrder", {"id": order_id}), ("confirmOrder", {"id": order_id})
    )

    # serially, the second re-confirms a CONFIRMED order without a new date: allowed, a no-op
    assert [p["errors"] for p in payloads] == [[], []]
    assert [p["order"]["version"] for p in payloads] == [2, 2]
    order = await read_order(committed_gql, order_id, STATE)
    assert (order["status"], order["version"]) == ("CONFIRMED", 2)
    assert history(order) == [("CONFIRMED", "PENDING", "CONFIRMED")]
    assert stock_of(order) == ON_HAND - 4


async def test_two_confirms_at_the_same_version_let_exactly_one_through(committed, committed_gql):
    order_id = await committed.order(4)
    confirm = ("confirmOrder", {"id": order_id, "version": 1})

    payloads = await both(committed_gql, confirm, confirm)

    conflict = {
        "code": "VERSION_CONFLICT",
        "field": "version",
        "message": "the order is at version 2, not 1; read it again",
    }
    assert sorted((p["errors"] for p in payloads), key=len) == [[], [conflict]]
    order = await read_order(committed_gql, order_id, STATE)
    assert (order["status"], order["version"]) == ("CONFIRMED", 2)
    assert history(order) == [("CONFIRMED", "PENDING", "CONFIRMED")]
    assert stock_of(order) == ON_HAND - 4


async def test_confirm_against_cancel_ends_as_one_serial_order(committed, committed_gql):
    order_id = await committed.order(4)

    confirmed, cancelled = await both(
        committed_gql,
        ("confirmOrder", {"id": order_id}),
        ("cancelOrder", {"id": order_id, "reason": "OTHER"}),
    )

    order = await read_order(committed_gql, order_id, STATE)
    assert cancelled["errors"] == []
    assert order["status"] == "CANCELLED"
    if confirmed["errors"]:  # cancel ran first
        assert confirmed["errors"] == [
            {
                "code": "INVALID_TRANSITION",
                "field": "id",
                "message": "cannot confirm an order that is CANCELLED",
            }
        ]
        assert history(order) == [("CANCELLED", "PENDING", "CANCELLED")]
        assert order["version"] == 2
    else:  # confirm ran first
        assert history(order) == [
            ("CONFIRMED", "PENDING", "CONFIRMED"),
            ("CANCELLED", "CONFIRMED", "CANCELLED"),
        ]
        assert order["version"] == 3
    assert stock_of(order) == ON_HAND  # whatever was reserved is released


@pytest.mark.parametrize(
    ("quantities", "status", "refusal"),
    [
        (
            (3, 1),  # the order stays open for the other product
            "PARTIALLY_DELIVERED",
            {
                "code": "INVALID",
                "field": "items.0.quantity",
                "message": "cannot deliver 3 of product {code}: only 0 pending",
            },
        ),
        (
            (3,),  # the last units of the whole order
            "DELIVERED",
            {
                "code": "INVALID_TRANSITION",
                "field": "id",
                "message": "cannot deliver an order that is DELIVERED",
            },
        ),
    ],
    ids=["last units of a line", "last units of the order"],
)
async def test_two_deliveries_of_the_last_units_deliver_them_once(
    committed, committed_gql, quantities, status, refusal
):
    order_id = await committed.order(*quantities, status=OrderStatus.CONFIRMED)
    code = committed.shop.products[0].code
    deliver = ("deliverOrder", {"id": order_id, "items": [{"productCode": code, "quantity": 3}]})

    payloads = await both(committed_gql, deliver, deliver)

    refusal = refusal | {"message": refusal["message"].format(code=code)}
    assert sorted((p["errors"] for p in payloads), key=len) == [[], [refusal]]
    order = await read_order(committed_gql, order_id, STATE)
    assert (order["status"], order["deliveredQuantity"]) == (status, 3)
    assert order["lines"][0]["deliveredQuantity"] == 3
    assert len(order["deliveries"]) == 1
    assert history(order) == [("DELIVERED", "CONFIRMED", status)]
    assert stock_of(order) == ON_HAND - 3


@pytest.mark.parametrize("contenders", [2, 5])
async def test_creates_with_one_number_create_one_order(committed, committed_gql, contenders):
    order_input = create_order_input(committed.shop, number="PED-RACE")

    payloads = await asyncio.gather(
        *(mutate(committed_gql, "createOrder", order_input, PAYLOAD) for _ in range(contenders))
    )

    created = [p for p in payloads if not p["errors"]]
    refused = [error for p in payloads for error in p["errors"]]
    assert len(created) == 1
    # refused by the number check, or by the unique index when the check ran before the commit
    assert {(e["code"], e["field"]) for e in refused} == {("NOT_UNIQUE", "number")}
    assert {e["message"] for e in refused} <= {
        "the company already has an order with number PED-RACE",
        "this number is taken",
    }
    assert len(refused) == contenders - 1
    count = await committed_gql("{ orders { totalCount } }")
    assert count.data == {"orders": {"totalCount": 1}}
