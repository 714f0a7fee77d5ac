"""updateOrder and deleteOrder on a PENDING order (other statuses: test_order_transitions.py)."""

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from db import models
from tests.api.test_create_order import (
    COUNT_ORDERS,
    ERRORS,
    ORDER,
    Shop,
    create_order_input,
    gid,
    line_input,
    make_shop,
    mutate,
    query,
    read_order,
)

DETAILS = "id description destination observations agent { name } " + ORDER


@pytest.fixture
async def shop(factory: Any) -> Shop:
    return await make_shop(factory)


@pytest.fixture
async def order(gql: Any, shop: Shop) -> Any:
    """A PENDING order at version 1: 2 x 10.00, with a description, destination and agent."""
    order_input = create_order_input(
        shop,
        description="Customer bulk order",
        destination="Lima",
        observations="Call before",
        agentId=gid("Agent", shop.agent),
    )
    payload = await mutate(gql, "createOrder", order_input, f"order {{ {DETAILS} }} {ERRORS}")
    assert payload["errors"] == []
    return payload["order"]


async def update(gql: Any, order: Any, **changes: Any) -> Any:
    changes = {"id": order["id"], "version": order["version"]} | changes
    return await mutate(gql, "updateOrder", changes, f"order {{ {DETAILS} }} {ERRORS}")


def events_of(order: Any) -> list[Any]:
    return [edge["node"] for edge in order["events"]["edges"]]


async def test_update_replaces_the_lines_and_recomputes_the_totals(gql, shop, order):
    lines = [line_input(shop.products[1], 3, unitPrice="5.00"), line_input(shop.products[0], 1)]

    payload = await update(gql, order, lines=lines)

    assert payload["errors"] == []
    updated = payload["order"]
    codes = [shop.products[1].code, shop.products[0].code]
    assert [(ln["product"]["code"], ln["quantity"], ln["amount"]) for ln in updated["lines"]] == [
        (codes[0], 3, "15.00"),
        (codes[1], 1, "10.00"),
    ]
    amounts = ("grossAmount", "taxableBase", "taxAmount", "totalAmount", "totalQuantity")
    assert [updated[name] for name in amounts] == ["25.00", "25.00", "4.50", "29.50", 4]
    assert updated["version"] == 2


async def test_update_reprices_the_stored_lines_when_only_discounts_change(gql, order):
    payload = await update(gql, order, discounts=[{"rate": "0.10"}], shippingAmount="3.00")

    updated = payload["order"]
    amounts = ("grossAmount", "discountAmount", "taxableBase", "taxAmount", "totalAmount")
    assert [updated[name] for name in amounts] == ["20.00", "2.00", "18.00", "3.24", "24.24"]
    assert [(ln["quantity"], ln["amount"]) for ln in updated["lines"]] == [(2, "20.00")]


async def test_update_reprices_at_the_rate_the_order_was_created_with(gql, factory, shop, order):
    await factory.session.execute(
        sa.update(models.Company)
        .where(models.Company.id == shop.company.id)
        .values(tax_rate=Decimal("0.10"))
    )
    await factory.session.commit()
    lines = [line_input(shop.products[0], 20)]

    payload = await update(gql, order, lines=lines)

    updated = await read_order(gql, order["id"], "taxRate taxableBase taxAmount totalAmount")
    assert payload["errors"] == []
    assert updated == {
        "taxRate": "0.1800",
        "taxableBase": "200.00",
        "taxAmount": "36.00",
        "totalAmount": "236.00",
    }


async def test_update_keeps_absent_fields_and_clears_explicit_nulls(gql, order):
    payload = await update(gql, order, description=None, destination="Cusco", agentId=None)

    updated = payload["order"]
    assert (updated["description"], updated["destination"]) == (None, "Cusco")
    assert (updated["observations"], updated["agent"]) == ("Call before", None)
    assert updated["lines"] == order["lines"]
    assert updated["totalAmount"] == order["totalAmount"] == "23.60"


async def test_update_appends_one_updated_event_naming_the_changed_fields(gql, shop, order):
    lines = [line_input(shop.products[0], 5)]

    payload = await update(gql, order, description="Rush", lines=lines)

    assert events_of(payload["order"])[1:] == [
        {
            "kind": "UPDATED",
            "statusBefore": "PENDING",
            "statusAfter": "PENDING",
            "actor": "test",
            "details": {"changed": ["description", "lines"]},
        }
    ]


async def test_the_updated_event_names_fields_as_the_client_sent_them(gql, order):
    payload = await update(gql, order, estimatedDeliveryOn="2030-01-31", shippingAmount="1.00")

    changed = events_of(payload["order"])[-1]["details"]["changed"]
    assert changed == ["estimatedDeliveryOn", "shippingAmount"]


@pytest.mark.parametrize("field", ["lines", "discounts", "shippingAmount"])
async def test_an_explicit_null_where_no_null_is_meant_is_a_clear_error(gql, order, field):
    document = (
        f"mutation M($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {ERRORS} }} }}"
    )

    result = await gql(document, {"input": {"id": order["id"], "version": 1, field: None}})

    payload = (result.data or {}).get("updateOrder") or {"errors": []}
    told = [error.message for error in result.errors or []] + [
        f"{error['field']}: {error['message']}" for error in payload["errors"]
    ]
    assert len(told) == 1
    assert field in told[0]  # names what is wrong
    assert "strawberry" not in told[0].lower()  # and nothing of how the server is built
    assert await read_order(gql, order["id"], DETAILS) == order


async def test_each_update_moves_the_version_by_exactly_one(gql, order):
    first = (await update(gql, order, description="one"))["order"]
    second = (await update(gql, first, description="two"))["order"]

    assert (order["version"], first["version"], second["version"]) == (1, 2, 3)


async def test_update_at_a_stale_version_conflicts_and_changes_nothing(gql, order):
    payload = await update(gql, order, version=2, description="late")

    message = "the order is at version 1, not 2; read it again"
    assert payload == {
        "order": None,
        "errors": [{"code": "VERSION_CONFLICT", "field": "version", "message": message}],
    }
    assert await read_order(gql, order["id"], DETAILS) == order


async def test_update_from_a_version_read_before_another_change_gets_the_one_conflict(gql, order):
    # the version is checked once, where the order is locked, with the message every mutation
    # gives (updateOrder used to carry a second check with its own wording)
    moved = (await update(gql, order, description="first"))["order"]

    payload = await update(gql, order, description="second")

    message = "the order is at version 2, not 1; read it again"
    assert payload == {
        "order": None,
        "errors": [{"code": "VERSION_CONFLICT", "field": "version", "message": message}],
    }
    assert await read_order(gql, order["id"], DETAILS) == moved


async def test_a_refused_update_reports_its_lines_and_changes_nothing(gql, shop, order):
    lines = [line_input(shop.products[0], 0)]

    payload = await update(gql, order, lines=lines, agentId=gid("Agent", shop.client))

    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": "agentId",
            "message": "this partner does not have the REPRESENTATIVE role",
        },
        {
            "code": "INVALID",
            "field": "lines.0.quantity",
            "message": "the quantity must be greater than 0",
        },
    ]
    assert await read_order(gql, order["id"], DETAILS) == order


async def test_delete_removes_a_pending_order(gql, order):
    payload = await mutate(gql, "deleteOrder", {"id": order["id"]}, f"deletedId {ERRORS}")

    assert payload == {"deletedId": order["id"], "errors": []}
    assert await read_order(gql, order["id"]) is None
    assert await query(gql, COUNT_ORDERS) == {"orders": {"totalCount": 0}}


async def test_delete_at_a_stale_version_conflicts_and_keeps_the_order(gql, order):
    delete_input = {"id": order["id"], "version": 7}

    payload = await mutate(gql, "deleteOrder", delete_input, f"deletedId {ERRORS}")

    message = "the order is at version 1, not 7; read it again"
    assert payload == {
        "deletedId": None,
        "errors": [{"code": "VERSION_CONFLICT", "field": "version", "message": message}],
    }
    assert (await read_order(gql, order["id"]))["version"] == 1
