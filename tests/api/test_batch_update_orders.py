"""batchUpdateOrders: every item as its single mutation would run it, each on its own."""

from typing import Any

import pytest
from strawberry.relay import to_base64

from tests.api.bulk_schema import BulkGraphQL
from tests.api.test_create_order import (
    ERRORS,
    Shop,
    create_order_input,
    line_input,
    make_shop,
    mutate,
    read_order,
)

BATCH = f"""
mutation Batch($input: BatchUpdateOrdersInput!) {{
  batchUpdateOrders(input: $input) {{
    results {{
      action index id {ERRORS}
      order {{
        id status version client {{ code }} lines {{ product {{ code }} deliveredQuantity }}
      }}
    }}
    {ERRORS}
  }}
}}
"""
STATE = "status version deliveredQuantity returnedQuantity lines { product { stock } }"


@pytest.fixture
def gql(db_session, settings):
    return BulkGraphQL(db_session, settings)


@pytest.fixture
async def shop(factory: Any) -> Shop:
    return await make_shop(factory)


async def new_order(gql: Any, shop: Shop, quantity: int = 5, confirm: bool = False) -> str:
    """A PENDING (or CONFIRMED) order of `quantity` units of the shop's first product."""
    order_input = create_order_input(shop, [line_input(shop.products[0], quantity)])
    order_id = (await mutate(gql, "createOrder", order_input, "order { id }"))["order"]["id"]
    if confirm:
        await mutate(gql, "confirmOrder", {"id": order_id}, ERRORS)
    return order_id


async def batch(gql: Any, **lists: list[dict[str, Any]]) -> Any:
    result = await gql(BATCH, {"input": lists})
    assert result.errors is None, result.errors
    return result.data["batchUpdateOrders"]


def summary(payload: Any) -> list[tuple[str, int, str | None, list[str | None]]]:
    """(action, index, order status or None, error fields) per result, in the order run."""
    return [
        (
            r["action"],
            r["index"],
            r["order"] and r["order"]["status"],
            [error["field"] for error in r["errors"]],
        )
        for r in payload["results"]
    ]


async def test_each_item_runs_alone_and_a_refusal_does_not_undo_the_others(gql, shop):
    pending, delivered_one = await new_order(gql, shop), await new_order(gql, shop, confirm=True)
    confirmed = await new_order(gql, shop, confirm=True)
    cancelled = await new_order(gql, shop)
    code = shop.products[0].code
    await mutate(gql, "deliverOrder", {"id": delivered_one, "complete": True}, ERRORS)

    payload = await batch(
        gql,
        confirm=[{"id": pending, "estimatedDeliveryOn": "2025-12-03"}, {"id": delivered_one}],
        deliver=[
            {"id": confirmed, "items": [{"productCode": code, "quantity": 2}]},
            {"id": confirmed, "items": [{"productCode": code, "quantity": 9}]},
        ],
        **{"return": [{"id": delivered_one, "items": [{"productCode": code, "quantity": 1}]}]},
        cancel=[
            {"id": cancelled, "reason": "OUT_OF_STOCK"},
            {"id": delivered_one, "reason": "OTHER"},
        ],
    )

    assert payload["errors"] == []
    assert summary(payload) == [
        ("CONFIRM", 0, "CONFIRMED", []),
        ("CONFIRM", 1, None, ["confirm.1.id"]),
        ("DELIVER", 0, "PARTIALLY_DELIVERED", []),
        ("DELIVER", 1, None, ["deliver.1.items.0.quantity"]),
        ("RETURN", 0, "DELIVERED", []),
        ("CANCEL", 0, "CANCELLED", []),
        ("CANCEL", 1, None, ["cancel.1.id"]),
    ]
    refused = payload["results"][3]
    assert refused["id"] == confirmed
    assert refused["errors"] == [
        {"code": "INVALID", "field": "deliver.1.items.0.quantity",
         "message": f"cannot deliver 9 of product {code}: only 3 pending"}
    ]  # fmt: skip
    assert payload["results"][1]["errors"][0]["code"] == "INVALID_TRANSITION"
    # stock moved once for each item that went through, never for a refused one: of 1000,
    # 5 delivered and 1 back, 2 delivered, 3 still held for `confirmed` and 5 for `pending`
    assert (await read_order(gql, confirmed, STATE)) == {
        "status": "PARTIALLY_DELIVERED", "version": 3, "deliveredQuantity": 2,
        "returnedQuantity": 0, "lines": [{"product": {"stock": 1000 - 5 + 1 - 2 - 3 - 5}}],
    }  # fmt: skip
    assert (await read_order(gql, delivered_one, STATE))["returnedQuantity"] == 1


async def test_the_lists_run_in_order_so_one_call_may_confirm_and_deliver(gql, shop):
    order_id = await new_order(gql, shop)

    payload = await batch(
        gql, confirm=[{"id": order_id}], deliver=[{"id": order_id, "complete": True}]
    )

    assert summary(payload) == [("CONFIRM", 0, "CONFIRMED", []), ("DELIVER", 0, "DELIVERED", [])]
    assert payload["results"][1]["order"]["lines"] == [
        {"product": {"code": shop.products[0].code}, "deliveredQuantity": 5}
    ]


async def test_a_refused_item_between_two_others_leaves_their_orders_whole(gql, shop):
    first, second = await new_order(gql, shop), await new_order(gql, shop)

    payload = await batch(
        gql,
        confirm=[{"id": first}, {"id": first, "version": 1}, {"id": second}],
    )

    assert summary(payload) == [
        ("CONFIRM", 0, "CONFIRMED", []),
        ("CONFIRM", 1, None, ["confirm.1.version"]),
        ("CONFIRM", 2, "CONFIRMED", []),
    ]
    assert [r["order"] and r["order"]["client"] for r in payload["results"]] == [
        {"code": shop.client.code}, None, {"code": shop.client.code}
    ]  # fmt: skip


async def test_an_unknown_order_is_refused_on_its_own_path(gql, shop):
    payload = await batch(gql, cancel=[{"id": "T3JkZXI6OTk5OTk5", "reason": "OTHER"}])

    assert payload["results"][0]["errors"] == [
        {"code": "NOT_FOUND", "field": "cancel.0.id", "message": "no order with this id"}
    ]


@pytest.mark.parametrize(
    ("count", "error"),
    [
        (0, {"code": "INVALID", "field": None, "message": "send at least one item"}),
        (
            1001,
            {"code": "LIMIT_EXCEEDED", "field": None,
             "message": "at most 1000 items per call, got 1001; send them in several calls"},
        ),
    ],
    ids=["empty", "over 1000"],
)  # fmt: skip
async def test_a_call_with_no_item_or_too_many_runs_nothing(gql, shop, count, error):
    order_id = await new_order(gql, shop)

    payload = await batch(gql, confirm=[{"id": order_id}] * count)

    assert (payload["results"], payload["errors"]) == ([], [error])
    assert (await read_order(gql, order_id, STATE))["status"] == "PENDING"


async def test_an_item_that_breaks_fails_alone_and_the_others_stand(gql, factory, monkeypatch):
    """A bug in one item must not answer the whole call with an error after others committed."""
    from resolvers.orders import batch_update_orders as batch

    company = await factory.company()
    client = await factory.client(company)
    product = await factory.product(company)
    first = await factory.order(company, client, [(product, 1, product.list_price)])
    second = await factory.order(company, client, [(product, 1, product.list_price)])
    original = batch._CHANGES[batch.BatchAction.CONFIRM]

    async def breaks_on_the_second(ctx, item):
        if item.id.node_id == str(second.id):
            raise RuntimeError("a bug")
        return await original(ctx, item)

    monkeypatch.setitem(batch._CHANGES, batch.BatchAction.CONFIRM, breaks_on_the_second)
    ids = [to_base64("Order", order.id) for order in (first, second)]
    result = await gql(
        "mutation($input: BatchUpdateOrdersInput!) { batchUpdateOrders(input: $input) {"
        " results { index order { status } errors { code message } } errors { code } } }",
        {"input": {"confirm": [{"id": ids[0]}, {"id": ids[1]}]}},
    )

    assert result.errors is None
    assert result.data["batchUpdateOrders"]["results"] == [
        {"index": 0, "order": {"status": "CONFIRMED"}, "errors": []},
        {
            "index": 1,
            "order": None,
            "errors": [
                {
                    "code": "INTERNAL",
                    "message": "internal error; this item was not applied, the others stand",
                }
            ],
        },
    ]


async def test_an_item_with_text_postgresql_cannot_store_fails_alone(gql, shop):
    first, second = await new_order(gql, shop), await new_order(gql, shop)

    payload = await batch(
        gql,
        cancel=[
            {"id": first, "reason": "OTHER", "note": "bad\x00note"},
            {"id": second, "reason": "OTHER", "note": "fine"},
        ],
    )

    assert summary(payload) == [
        ("CANCEL", 0, None, ["cancel.0.note"]),
        ("CANCEL", 1, "CANCELLED", []),
    ]
    assert payload["results"][0]["errors"][0]["code"] == "INVALID"
