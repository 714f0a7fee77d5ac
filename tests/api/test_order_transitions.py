"""The lifecycle table of API.md, action by status, through the mutations."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from app.domain.vocabulary import LineStatus, OrderStatus
from db import models
from tests.api.test_create_order import (
    ERRORS,
    Shop,
    create_order_input,
    gid,
    make_shop,
    mutate,
    read_order,
)

STATE = """
  status version updatedAt estimatedDeliveryOn confirmedAt deliveries { id } returns { id }
  events { totalCount edges { node { kind statusBefore statusAfter actor details occurredAt } } }
"""
MUTATIONS = {
    "update": "updateOrder",
    "confirm": "confirmOrder",
    "ship": "shipOrder",
    "deliver": "deliverOrder",
    "return": "returnOrderItems",
    "cancel": "cancelOrder",
    "delete": "deleteOrder",
}
# API.md, "Order lifecycle": where each action is allowed from
ALLOWED_FROM = {
    "update": {"PENDING"},
    "confirm": {"PENDING", "CONFIRMED"},
    "ship": {"CONFIRMED"},
    "deliver": {"CONFIRMED", "SHIPPED", "PARTIALLY_DELIVERED"},
    "return": {"PARTIALLY_DELIVERED", "DELIVERED"},
    "cancel": {"PENDING", "CONFIRMED", "SHIPPED", "PARTIALLY_DELIVERED"},
    "delete": {"PENDING", "CANCELLED"},
}
CASES = [(action, status.value) for action in MUTATIONS for status in OrderStatus]
ALLOWED = [case for case in CASES if case[1] in ALLOWED_FROM[case[0]]]
REFUSED = [case for case in CASES if case[1] not in ALLOWED_FROM[case[0]]]
EVENT_KINDS = {
    "update": "UPDATED",
    "confirm": "CONFIRMED",
    "ship": "SHIPPED",
    "deliver": "DELIVERED",
    "return": "RETURNED",
    "cancel": "CANCELLED",
}
MOVED_TO = "2030-05-01"  # the estimated delivery date a confirm sets
# the order every case starts from: one line of 4 units, some of them delivered in late statuses
DELIVERED_BY_STATUS = {"PARTIALLY_DELIVERED": 2, "DELIVERED": 4}


@pytest.fixture
async def shop(factory: Any) -> Shop:
    return await make_shop(factory)


async def order_in(factory: Any, shop: Shop, status: str) -> models.Order:
    """A factory order in `status` (version 1, no events) with one line of 4 units."""
    delivered = DELIVERED_BY_STATUS.get(status, 0)
    order = await factory.order(
        shop.company,
        shop.client,
        [(shop.products[0], 4, Decimal("10.00"))],
        status=OrderStatus(status),
        delivered_quantity=delivered,
    )
    line_status = {0: LineStatus.OPEN, 2: LineStatus.PARTIALLY_DELIVERED, 4: LineStatus.DELIVERED}
    await factory.session.execute(
        sa.update(models.OrderLine)
        .where(models.OrderLine.order_id == order.id)
        .values(delivered_quantity=delivered, status=line_status[delivered])
    )
    await factory.session.commit()  # a savepoint: a refused mutation's rollback keeps the order
    return order


def action_input(action: str, order: models.Order, product: models.Product) -> dict[str, Any]:
    """The smallest input that performs `action` when the status allows it."""
    one_unit = [{"productCode": product.code, "units": 1, "quantity": 1}]
    extra = {
        "update": {"description": "changed"},
        "confirm": {"estimatedDeliveryOn": MOVED_TO},  # what a second confirm is for
        "deliver": {"items": one_unit},
        "return": {"items": one_unit},
        "cancel": {"reason": "OTHER"},
    }
    return {"id": gid("Order", order), "version": 1} | extra.get(action, {})


async def run(gql: Any, action: str, input: dict[str, Any]) -> Any:
    selection = f"deletedId {ERRORS}" if action == "delete" else f"order {{ {STATE} }} {ERRORS}"
    return await mutate(gql, MUTATIONS[action], input, selection)


def status_after(action: str, before: str) -> str:
    return {
        "confirm": "CONFIRMED",
        "ship": "SHIPPED",
        "deliver": "PARTIALLY_DELIVERED",  # one more unit of 4, never the last one
        "cancel": "CANCELLED",
    }.get(action, before)


def expected_details(action: str, product: models.Product, after: Any) -> Any:
    item = {"line": 1, "productCode": product.code, "units": 1, "quantity": 1}
    return {
        "update": {"changed": ["description"]},
        "confirm": {"estimatedDeliveryOn": MOVED_TO},
        "ship": {},
        "deliver": {"deliveryId": last_id(after["deliveries"]), "complete": False, "items": [item]},
        "return": {"returnId": last_id(after["returns"]), "items": [item]},
        "cancel": {"reason": "OTHER", "note": None},
    }[action]


def last_id(records: list[Any]) -> str | None:
    """The global id of the newest delivery or return, as event details carry it."""
    return records[-1]["id"] if records else None


def events_of(order: Any) -> list[Any]:
    return [edge["node"] for edge in order["events"]["edges"]]


@pytest.mark.parametrize(("action", "status"), [c for c in ALLOWED if c[0] != "delete"])
async def test_an_allowed_action_changes_the_order_and_appends_one_event(
    gql, factory, shop, action, status
):
    order = await order_in(factory, shop, status)
    before = await read_order(gql, gid("Order", order), STATE)

    payload = await run(gql, action, action_input(action, order, shop.products[0]))

    assert payload["errors"] == []
    after = payload["order"]
    assert (after["status"], after["version"]) == (status_after(action, status), 2)
    assert datetime.fromisoformat(after["updatedAt"]) > datetime.fromisoformat(before["updatedAt"])
    [event] = events_of(after)
    assert event | {"occurredAt": None} == {
        "kind": EVENT_KINDS[action],
        "statusBefore": status,
        "statusAfter": after["status"],
        "actor": "test",
        "details": expected_details(action, shop.products[0], after),
        "occurredAt": None,
    }


@pytest.mark.parametrize("status", sorted(ALLOWED_FROM["delete"]))
async def test_delete_removes_the_order_and_records_a_deleted_event(
    gql, factory, shop, db_session, status
):
    order = await order_in(factory, shop, status)

    payload = await run(gql, "delete", action_input("delete", order, shop.products[0]))

    assert payload == {"deletedId": gid("Order", order), "errors": []}
    assert await read_order(gql, gid("Order", order)) is None
    events = (
        await db_session.scalars(
            sa.select(models.OrderEvent).where(models.OrderEvent.order_id == order.id)
        )
    ).all()
    assert [(e.kind, e.status_before, e.details) for e in events] == [
        ("DELETED", status, {"number": order.number})
    ]


@pytest.mark.parametrize(("action", "status"), REFUSED)
async def test_a_refused_action_names_the_status_and_changes_nothing(
    gql, factory, shop, action, status
):
    order = await order_in(factory, shop, status)
    order_id = gid("Order", order)  # a refused change rolls back, and expires the row
    before = await read_order(gql, order_id, STATE)

    payload = await run(gql, action, action_input(action, order, shop.products[0]))

    error = {
        "code": "INVALID_TRANSITION",
        "field": "id",
        "message": f"cannot {action} an order that is {status}",
    }
    assert payload == {"deletedId" if action == "delete" else "order": None, "errors": [error]}
    assert await read_order(gql, order_id, STATE) == before
    assert (before["version"], before["events"]["totalCount"]) == (1, 0)


async def test_confirming_a_confirmed_order_moves_only_its_delivery_date(gql, factory, shop):
    confirmed_at = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    order = await order_in(factory, shop, "CONFIRMED")
    order.confirmed_at = confirmed_at
    await factory.session.flush()
    confirm_input = {"id": gid("Order", order), "estimatedDeliveryOn": "2030-05-01"}

    payload = await run(gql, "confirm", confirm_input)

    after = payload["order"]
    assert after["status"] == "CONFIRMED"
    assert after["estimatedDeliveryOn"] == "2030-05-01"
    assert datetime.fromisoformat(after["confirmedAt"]) == confirmed_at
    assert [(e["statusBefore"], e["statusAfter"], e["details"]) for e in events_of(after)] == [
        ("CONFIRMED", "CONFIRMED", {"estimatedDeliveryOn": "2030-05-01"})
    ]


@pytest.mark.parametrize("same_date", [False, True], ids=["no date", "the same date"])
async def test_confirming_a_confirmed_order_without_a_new_date_changes_nothing(
    gql, factory, shop, same_date
):
    order = await order_in(factory, shop, "CONFIRMED")
    order_id = gid("Order", order)
    before = await read_order(gql, order_id, STATE)
    assert before["estimatedDeliveryOn"] is not None
    given = {"estimatedDeliveryOn": before["estimatedDeliveryOn"]} if same_date else {}

    payload = await run(gql, "confirm", {"id": order_id, "version": 1} | given)

    assert payload == {"order": before, "errors": []}
    assert await read_order(gql, order_id, STATE) == before
    assert (before["version"], before["events"]["totalCount"]) == (1, 0)


async def test_confirm_sets_the_date_it_is_given(gql, factory, shop):
    order = await order_in(factory, shop, "PENDING")

    payload = await run(
        gql, "confirm", {"id": gid("Order", order), "estimatedDeliveryOn": "2030-06-30"}
    )

    after = payload["order"]
    assert (after["status"], after["estimatedDeliveryOn"]) == ("CONFIRMED", "2030-06-30")
    assert datetime.fromisoformat(after["confirmedAt"]).date() == datetime.now(UTC).date()


async def test_the_history_lists_every_change_in_time_order(gql, shop):
    created = await mutate(gql, "createOrder", create_order_input(shop), f"order {{ id }} {ERRORS}")
    order_id = created["order"]["id"]
    versions = []
    for action, extra in [
        ("confirm", {}),
        ("ship", {}),
        ("deliver", {"complete": True}),
    ]:
        payload = await run(gql, action, {"id": order_id} | extra)
        versions.append((payload["order"]["version"], payload["order"]["updatedAt"]))

    events = events_of(await read_order(gql, order_id, STATE))
    assert [(e["kind"], e["statusBefore"], e["statusAfter"]) for e in events] == [
        ("CREATED", None, "PENDING"),
        ("CONFIRMED", "PENDING", "CONFIRMED"),
        ("SHIPPED", "CONFIRMED", "SHIPPED"),
        ("DELIVERED", "SHIPPED", "DELIVERED"),
    ]
    occurred = [datetime.fromisoformat(e["occurredAt"]) for e in events]
    assert occurred == sorted(occurred)
    assert [version for version, _ in versions] == [2, 3, 4]
    updated = [datetime.fromisoformat(at) for _, at in versions]
    assert updated == sorted(set(updated))
