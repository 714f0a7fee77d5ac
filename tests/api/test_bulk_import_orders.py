"""bulkImportOrders: idempotent on (company, source, external id), history without stock, per order.

Every test imports through the schema; the SQL-count test and the race test prove the batching
and the idempotence under concurrent identical calls.
"""

import asyncio
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from app.auth import Principal
from db import models
from db.queries import imports as queries
from tests.api.bulk_schema import BulkGraphQL, committed
from tests.api.test_create_order import ERRORS, mutate, read_order
from tests.factories import Factory

IMPORT = f"""
mutation Import($input: BulkImportOrdersInput!) {{
  bulkImportOrders(input: $input) {{
    results {{
      index source externalId status changedFields {ERRORS}
      order {{ id number status version totalAmount }}
    }}
    counts {{ created updated unchanged failed }}
    {ERRORS}
  }}
}}
"""
STORED = """
  number status version source externalId orderedAt estimatedDeliveryOn cancellationReason
  grossAmount discountAmount taxableBase taxAmount shippingAmount totalAmount
  totalQuantity deliveredQuantity
  client { code } agent { code } season { code } paymentMethod { code }
  shippingAddress { externalId } billingAddress { externalId }
  discounts { rate amount }
  lines {
    position units quantity unitPrice amount status deliveredQuantity estimatedDeliveryOn
    externalId product { code stock } discounts { rate amount }
  }
  events { edges { node { kind statusBefore statusAfter actor details } } }
"""
_ids = itertools.count(1)


@dataclass
class World:
    """A company as the ERP names it: codes and external ids for everything an order refers to."""

    company: models.Company
    client: models.Partner
    products: list[models.Product]


async def make_world(factory: Factory) -> World:
    company = await factory.company(code=f"CO{next(_ids)}")
    client = await factory.client(company, code="CLI-1", external_id="ERP-CLI-1")
    await factory.address(client, external_id="ADDR-1")
    await factory.agent(company, code="AG-1")
    await factory.season(company, code="SS25")
    factory.session.add(models.PaymentMethod(company_id=company.id, code="CASH", name="Cash"))
    products = [
        await factory.product(company, code="P-1", list_price=Decimal("10.00")),
        await factory.product(company, code="P-6", list_price=Decimal("4.50"), units_per_package=6),
    ]
    await factory.session.commit()
    return World(company, client, products)


@pytest.fixture
def gql(db_session, settings):
    return BulkGraphQL(db_session, settings)


@pytest.fixture
async def world(factory):
    return await make_world(factory)


def order_input(world: World, external_id: str, **fields: Any) -> dict[str, Any]:
    """A valid import: 2 of P-1 at list price and 3 of P-6 at 5.00, ordered on 2025-03-01."""
    return {
        "companyCode": world.company.code,
        "source": "ERP",
        "externalId": external_id,
        "clientCode": "CLI-1",
        "orderedAt": "2025-03-01",
        "lines": [
            {"productCode": "P-1", "quantity": 2},
            {"productCode": "P-6", "quantity": 3, "unitPrice": "5.00"},
        ],
    } | fields


async def run_import(gql: Any, *orders: dict[str, Any]) -> Any:
    result = await gql(IMPORT, {"input": {"orders": list(orders)}})
    assert result.errors is None, result.errors
    return result.data["bulkImportOrders"]


def outcomes(payload: Any) -> list[str]:
    return [result["status"] for result in payload["results"]]


async def count(session: Any, model: Any) -> int:
    return await session.scalar(sa.select(sa.func.count()).select_from(model))


async def test_import_creates_each_order_as_history_without_moving_stock(gql, world, db_session):
    delivered = order_input(
        world,
        "E-1",
        status="DELIVERED",
        agentCode="AG-1",
        seasonCode="SS25",
        paymentMethodCode="CASH",
        shippingAddressExternalId="ADDR-1",
        billingAddressExternalId="ADDR-1",
        discounts=[{"rate": "0.10"}],
        estimatedDeliveryOn="2025-03-05",
    )

    payload = await run_import(gql, delivered, order_input(world, "E-2", number="N-2"))

    assert payload["errors"] == []
    assert outcomes(payload) == ["CREATED", "CREATED"]
    assert payload["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    order = await read_order(gql, payload["results"][0]["order"]["id"], STORED)
    assert {key: order[key] for key in ("number", "status", "version", "source", "externalId")} == {
        "number": "E-1", "status": "DELIVERED", "version": 1, "source": "ERP", "externalId": "E-1"
    }  # fmt: skip
    assert (order["orderedAt"], order["estimatedDeliveryOn"]) == (
        "2025-03-01T00:00:00+00:00",
        "2025-03-05",
    )
    # 2 x 10.00 + 3 x 5.00 = 35.00; less 10 % = 31.50; IGV 18 % = 5.67
    amounts = ("grossAmount", "discountAmount", "taxableBase", "taxAmount", "totalAmount")
    assert [order[key] for key in amounts] == ["35.00", "3.50", "31.50", "5.67", "37.17"]
    assert (order["totalQuantity"], order["deliveredQuantity"]) == (5, 5)
    assert (order["client"], order["agent"], order["season"], order["paymentMethod"]) == (
        {"code": "CLI-1"}, {"code": "AG-1"}, {"code": "SS25"}, {"code": "CASH"}
    )  # fmt: skip
    assert order["shippingAddress"] == order["billingAddress"] == {"externalId": "ADDR-1"}
    assert [(line["product"], line["units"], line["deliveredQuantity"], line["status"])
            for line in order["lines"]] == [
        ({"code": "P-1", "stock": 1000}, 1, 2, "DELIVERED"),
        ({"code": "P-6", "stock": 1000}, 6, 3, "DELIVERED"),
    ]  # fmt: skip
    [event] = [edge["node"] for edge in order["events"]["edges"]]
    assert event["kind"] == "IMPORTED"
    assert (event["statusBefore"], event["statusAfter"], event["actor"]) == (
        None,
        "DELIVERED",
        "test",
    )
    assert {key: event["details"][key] for key in ("import", "source", "externalId")} == {
        "import": "created", "source": "ERP", "externalId": "E-1"
    }  # fmt: skip
    assert await count(db_session, models.StockMovement) == 0
    assert payload["results"][1]["order"]["number"] == "N-2"


async def test_sending_the_same_payload_again_changes_nothing(gql, world, db_session):
    orders = [order_input(world, f"E-{n}") for n in range(3)]
    first = await run_import(gql, *orders)
    events = await count(db_session, models.OrderEvent)

    again = await run_import(gql, *orders)

    assert outcomes(again) == ["UNCHANGED"] * 3
    assert [r["order"] for r in again["results"]] == [r["order"] for r in first["results"]]
    assert {r["order"]["version"] for r in again["results"]} == {1}
    assert await count(db_session, models.Order) == 3
    assert await count(db_session, models.OrderEvent) == events


async def test_a_changed_order_is_updated_its_lines_replaced_and_recorded(gql, world):
    await run_import(gql, order_input(world, "E-1"), order_input(world, "E-2"))
    changed = order_input(
        world,
        "E-1",
        status="PARTIALLY_DELIVERED",
        lines=[{"productCode": "P-6", "quantity": 4, "deliveredQuantity": 1, "externalId": "L1"}],
    )

    payload = await run_import(gql, changed, order_input(world, "E-2"))

    assert outcomes(payload) == ["UPDATED", "UNCHANGED"]
    assert payload["results"][0]["changedFields"] == [
        "status", "grossAmount", "taxableBase", "taxAmount", "totalAmount", "totalQuantity",
        "deliveredQuantity", "lines",
    ]  # fmt: skip
    order = await read_order(gql, payload["results"][0]["order"]["id"], STORED)
    assert (order["status"], order["version"], order["totalAmount"]) == (
        "PARTIALLY_DELIVERED", 2, "21.24"
    )  # fmt: skip
    assert [(line["position"], line["product"]["code"], line["quantity"], line["status"],
             line["externalId"]) for line in order["lines"]] == [
        (1, "P-6", 4, "PARTIALLY_DELIVERED", "L1")
    ]  # fmt: skip
    events = [edge["node"] for edge in order["events"]["edges"]]
    assert [(e["kind"], e["statusBefore"], e["statusAfter"]) for e in events] == [
        ("IMPORTED", None, "PENDING"),
        ("IMPORTED", "PENDING", "PARTIALLY_DELIVERED"),
    ]
    assert events[1]["details"]["import"] == "updated"
    assert events[1]["details"]["changed"] == payload["results"][0]["changedFields"]


async def test_unknown_references_fail_only_their_own_order(gql, world, db_session):
    bad = order_input(world, "E-2", clientCode="NOPE", agentCode="CLI-1", seasonCode="S0")
    bad["lines"][1]["productCode"] = "P-404"

    payload = await run_import(gql, order_input(world, "E-1"), bad)

    assert outcomes(payload) == ["CREATED", "FAILED"]
    failed = payload["results"][1]
    assert (failed["order"], failed["externalId"]) == (None, "E-2")
    assert failed["errors"] == [
        {"code": "NOT_FOUND", "field": "orders.1.clientCode",
         "message": "no client with code NOPE"},
        {"code": "INVALID", "field": "orders.1.agentCode",
         "message": "this partner does not have the REPRESENTATIVE role"},
        {"code": "NOT_FOUND", "field": "orders.1.seasonCode",
         "message": "no season S0 in the company"},
        {"code": "NOT_FOUND", "field": "orders.1.lines.1.productCode",
         "message": "no product P-404 in the company"},
    ]  # fmt: skip
    assert await count(db_session, models.Order) == 1


async def test_a_company_outside_the_key_is_unknown(gql, world, factory):
    other = await factory.company(code="FOREIGN")
    principal = Principal("k", frozenset({world.company.id}), frozenset({"admin"}))
    order = order_input(world, "E-1", companyCode=other.code)

    result = await gql.as_principal(principal, IMPORT, {"input": {"orders": [order]}})

    [failed] = result.data["bulkImportOrders"]["results"]
    assert failed["errors"] == [
        {"code": "NOT_FOUND", "field": "orders.0.companyCode",
         "message": "no company FOREIGN among yours"}
    ]  # fmt: skip


async def test_a_client_and_addresses_may_be_named_by_external_id(gql, world):
    order = order_input(
        world,
        "E-1",
        clientCode=None,
        clientExternalId="ERP-CLI-1",
        shippingAddressExternalId="ADDR-1",
    )
    missing = order_input(
        world, "E-2", clientCode=None, clientExternalId="ERP-X", billingAddressExternalId="NO"
    )
    neither = order_input(world, "E-3", clientCode=None)

    payload = await run_import(gql, order, missing, neither)

    assert outcomes(payload) == ["CREATED", "FAILED", "FAILED"]
    assert payload["results"][1]["errors"] == [
        {"code": "NOT_FOUND", "field": "orders.1.clientExternalId",
         "message": "no client with external id ERP-X"}
    ]  # fmt: skip
    assert payload["results"][2]["errors"] == [
        {"code": "INVALID", "field": "orders.2.clientCode",
         "message": "send clientCode or clientExternalId"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("orders", "error"),
    [
        ([], {"code": "INVALID", "field": "orders", "message": "send at least one order"}),
        (
            [None] * 1001,
            {"code": "LIMIT_EXCEEDED", "field": "orders",
             "message": "at most 1000 orders per call, got 1001; send them in several calls"},
        ),
    ],
    ids=["empty", "over 1000"],
)  # fmt: skip
async def test_a_call_without_orders_or_with_too_many_is_refused_whole(
    gql, world, db_session, orders, error
):
    orders = [order_input(world, f"E-{n}") for n, _ in enumerate(orders)]

    payload = await run_import(gql, *orders)

    assert (payload["results"], payload["errors"]) == ([], [error])
    assert await count(db_session, models.Order) == 0


async def test_an_external_id_sent_twice_in_one_call_refuses_both_copies(gql, world, db_session):
    payload = await run_import(
        gql,
        order_input(world, "E-1"),
        order_input(world, "E-2"),
        order_input(world, "E-1", number="OTHER"),
    )

    assert outcomes(payload) == ["FAILED", "CREATED", "FAILED"]
    assert [r["errors"] for r in payload["results"]] == [
        [{"code": "NOT_UNIQUE", "field": "orders.0.externalId",
          "message": "this source and external id is also at orders.2; send it once"}],
        [],
        [{"code": "NOT_UNIQUE", "field": "orders.2.externalId",
          "message": "this source and external id is also at orders.0; send it once"}],
    ]  # fmt: skip
    assert await count(db_session, models.Order) == 1


async def test_malformed_dates_fail_their_order_with_the_field_path(gql, world):
    bad = order_input(world, "E-2", orderedAt="2025-13-01", deliveredAt="2025-03-02T10:00:00")
    bad["lines"][0]["estimatedDeliveryOn"] = "tomorrow"

    payload = await run_import(
        gql, order_input(world, "E-1", orderedAt="2025-03-01T10:30:00-05:00"), bad
    )

    assert outcomes(payload) == ["CREATED", "FAILED"]
    assert payload["results"][1]["errors"] == [
        {"code": "INVALID", "field": "orders.1.orderedAt",
         "message": "'2025-13-01' is not a date; write YYYY-MM-DD"},
        {"code": "INVALID", "field": "orders.1.deliveredAt",
         "message": "'2025-03-02T10:00:00' has no zone; add one, e.g. Z or -05:00"},
        {"code": "INVALID", "field": "orders.1.lines.0.estimatedDeliveryOn",
         "message": "'tomorrow' is not a date; write YYYY-MM-DD"},
    ]  # fmt: skip


async def test_a_date_outside_the_business_years_fails_its_order_and_the_others_import(
    gql, world, db_session
):
    payload = await run_import(
        gql,
        order_input(world, "E-1", orderedAt="9999-12-31T23:00:00-05:00"),
        order_input(world, "E-2"),
        order_input(world, "E-3", orderedAt="0001-01-01T00:30:00+01:00"),
        order_input(world, "E-4", orderedAt="9999-12-30"),
    )

    assert outcomes(payload) == ["FAILED", "CREATED", "FAILED", "FAILED"]
    assert [[(e["code"], e["field"]) for e in r["errors"]] for r in payload["results"]] == [
        [("INVALID", "orders.0.orderedAt")],
        [],
        [("INVALID", "orders.2.orderedAt")],
        [("INVALID", "orders.3.orderedAt")],
    ]
    assert payload["results"][3]["errors"][0]["message"] == (
        "'9999-12-30' is out of range; give a date from 1901-01-01 to 8999-12-31"
    )
    assert await count(db_session, models.Order) == 1


async def test_a_blank_source_or_external_id_fails_its_order(gql, world, db_session):
    payload = await run_import(
        gql,
        order_input(world, ""),
        order_input(world, "E-2", source=" "),
        order_input(world, "E-3"),
    )

    assert outcomes(payload) == ["FAILED", "FAILED", "CREATED"]
    assert [r["errors"] for r in payload["results"][:2]] == [
        [{"code": "INVALID", "field": "orders.0.externalId", "message": "must not be blank"}],
        [{"code": "INVALID", "field": "orders.1.source", "message": "must not be blank"}],
    ]
    assert await count(db_session, models.Order) == 1


async def test_amounts_sent_are_checked_within_a_cent(gql, world):
    # the lines give a total of 41.30 (35.00 + 18 % IGV)
    close = order_input(world, "E-1", totalAmount="41.31", taxAmount="6.30")
    off = order_input(world, "E-2", totalAmount="41.32")

    payload = await run_import(gql, close, off)

    assert outcomes(payload) == ["CREATED", "FAILED"]
    assert payload["results"][1]["errors"] == [
        {"code": "INVALID", "field": "orders.1.totalAmount",
         "message": "sent 41.32, but the lines give 41.30"}
    ]  # fmt: skip


async def test_amounts_too_large_to_store_fail_the_order_on_their_lines(gql, world):
    huge_line = {"productCode": "P-1", "quantity": 2, "unitPrice": "999999999999.99"}
    huge_total = {"productCode": "P-1", "quantity": 1, "unitPrice": "900000000000.00"}

    payload = await run_import(
        gql,
        order_input(world, "E-1", lines=[huge_line]),
        order_input(world, "E-2", lines=[huge_total]),
    )

    assert outcomes(payload) == ["FAILED", "FAILED"]
    assert [result["errors"] for result in payload["results"]] == [
        [{"code": "INVALID", "field": "orders.0.lines.0.quantity",
          "message": "quantity x unit price must be below 1,000,000,000,000"}],
        [{"code": "INVALID", "field": "orders.1.lines",
          "message": "the order's amounts (tax included) must stay below 1,000,000,000,000"}],
    ]  # fmt: skip


async def test_delivered_quantities_must_agree_with_the_status(gql, world):
    def with_delivered(external_id: str, status: str, *delivered: int | None) -> dict[str, Any]:
        order = order_input(world, external_id, status=status)
        for line, quantity in zip(order["lines"], delivered, strict=True):
            line["deliveredQuantity"] = quantity
        return order

    payload = await run_import(
        gql,
        with_delivered("E-1", "PENDING", 1, None),
        with_delivered("E-2", "DELIVERED", 2, 1),
        with_delivered("E-3", "PARTIALLY_DELIVERED", None, None),
        with_delivered("E-4", "CANCELLED", 1, None),
        with_delivered("E-5", "SHIPPED", 3, None),
    )

    assert outcomes(payload) == ["FAILED", "FAILED", "FAILED", "CREATED", "FAILED"]
    assert [r["errors"] for r in payload["results"]] == [
        [{"code": "INVALID", "field": "orders.0.lines.0.deliveredQuantity",
          "message": "nothing is delivered on a PENDING order"}],
        [{"code": "INVALID", "field": "orders.1.lines.1.deliveredQuantity",
          "message": "a DELIVERED order has every unit delivered"}],
        [{"code": "INVALID", "field": "orders.2.status",
          "message": "a PARTIALLY_DELIVERED order has some units delivered and some pending"}],
        [],
        [{"code": "INVALID", "field": "orders.4.lines.0.deliveredQuantity",
          "message": "must be from 0 to the 2 ordered"}],
    ]  # fmt: skip


async def test_a_cancelled_import_keeps_its_reason_and_cancels_undelivered_lines(gql, world):
    order = order_input(world, "E-1", status="CANCELLED", cancelledAt="2025-03-04")
    order["lines"][0]["deliveredQuantity"] = 2

    payload = await run_import(gql, order)

    stored = await read_order(gql, payload["results"][0]["order"]["id"], STORED)
    assert stored["cancellationReason"] == "OTHER"
    assert [line["status"] for line in stored["lines"]] == ["DELIVERED", "CANCELLED"]


async def test_a_number_in_use_or_sent_twice_fails_those_orders(gql, world, factory):
    await factory.order(world.company, world.client, number="N-1")

    payload = await run_import(
        gql,
        order_input(world, "E-1", number="N-1"),
        order_input(world, "E-2", number="N-2"),
        order_input(world, "E-3", number="N-2"),
        order_input(world, "E-4", number="N-4"),
    )

    assert outcomes(payload) == ["FAILED", "FAILED", "FAILED", "CREATED"]
    assert [r["errors"] for r in payload["results"][:3]] == [
        [{"code": "NOT_UNIQUE", "field": "orders.0.number",
          "message": "the company already has an order with number N-1"}],
        [{"code": "NOT_UNIQUE", "field": "orders.1.number",
          "message": "this number is also at orders.2; send it once"}],
        [{"code": "NOT_UNIQUE", "field": "orders.2.number",
          "message": "this number is also at orders.1; send it once"}],
    ]  # fmt: skip


async def test_text_too_long_for_its_column_fails_the_order_not_the_call(gql, world):
    payload = await run_import(
        gql, order_input(world, "E-1", series="S" * 33), order_input(world, "E-2")
    )

    assert outcomes(payload) == ["FAILED", "CREATED"]
    assert payload["results"][0]["errors"] == [
        {"code": "INVALID", "field": "orders.0.series", "message": "at most 32 characters"}
    ]


async def test_the_sql_does_not_grow_with_the_number_of_orders(gql, world, sql_statements):
    await run_import(gql, *(order_input(world, f"A-{n}") for n in range(5)))
    for_five = len(sql_statements)
    sql_statements.clear()

    await run_import(gql, *(order_input(world, f"B-{n}") for n in range(200)))

    assert len(sql_statements) == for_five


async def test_two_identical_imports_at_once_create_each_order_once(engine):
    async with committed(engine) as database:
        async with database.sessions() as session:
            world = await make_world(Factory(session))
        orders = [order_input(world, f"R-{n}") for n in range(30)]
        document = {"input": {"orders": orders}}

        first, second = await asyncio.gather(database(IMPORT, document), database(IMPORT, document))

        payloads = [result.data["bulkImportOrders"] for result in (first, second)]
        # either call may win the race: one reports every order CREATED, the other UNCHANGED
        # (sorted() cannot order sets, so compare sorted tuples)
        assert sorted(tuple(sorted(set(outcomes(p)))) for p in payloads) == [
            ("CREATED",),
            ("UNCHANGED",),
        ]
        ids = [[result["order"]["id"] for result in p["results"]] for p in payloads]
        assert ids[0] == ids[1]
        async with database.sessions() as session:
            assert await count(session, models.Order) == 30
            assert await count(session, models.OrderEvent) == 30


async def test_an_order_moved_on_here_is_not_overwritten_by_an_import(gql, world):
    first = await run_import(gql, order_input(world, "E-1"))
    order_id = first["results"][0]["order"]["id"]
    await mutate(gql, "confirmOrder", {"id": order_id}, ERRORS)

    payload = await run_import(gql, order_input(world, "E-1", status="DELIVERED"))

    assert payload["results"][0]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": "orders.0.externalId",
         "message": "the order was changed here since (CONFIRMED), so an import no longer"
                    " overwrites it; use the lifecycle mutations"}
    ]  # fmt: skip
    stored = await read_order(gql, order_id, STORED)
    assert (stored["status"], stored["lines"][0]["product"]["stock"]) == ("CONFIRMED", 998)


async def test_a_number_taken_between_check_and_write_fails_only_that_order(
    gql, world, factory, monkeypatch
):
    await run_import(gql, order_input(world, "E-1"), order_input(world, "E-2"))
    await factory.order(world.company, world.client, number="N-9")

    async def checked_before_the_other_writer(*args: Any) -> list[Any]:
        return []

    monkeypatch.setattr(queries, "number_holders", checked_before_the_other_writer)

    payload = await run_import(
        gql,
        order_input(world, "E-1", number="N-9"),
        order_input(world, "E-2", description="new"),
        order_input(world, "E-3"),
    )

    assert outcomes(payload) == ["FAILED", "UPDATED", "CREATED"]
    assert payload["results"][0]["errors"] == [
        {"code": "NOT_UNIQUE", "field": "orders.0.number",
         "message": "this number was taken meanwhile; send the order again"}
    ]  # fmt: skip
    assert payload["results"][1]["order"]["version"] == 2


async def test_a_key_without_the_bulk_scope_is_refused(gql, world, db_session):
    principal = Principal("k", frozenset({world.company.id}), frozenset({"order.write"}))

    result = await gql.as_principal(
        principal, IMPORT, {"input": {"orders": [order_input(world, "E-1")]}}
    )

    assert [error.message for error in result.errors] == [
        "this API key lacks the order.bulkwrite scope"
    ]
    assert await count(db_session, models.Order) == 0


@pytest.mark.parametrize("field", ["source", "number", "companyCode", "observations"])
async def test_text_postgresql_cannot_store_fails_the_order_not_the_call(gql, world, field):
    payload = await run_import(
        gql, order_input(world, "E-1", **{field: "e\x00"}), order_input(world, "E-2")
    )

    assert outcomes(payload) == ["FAILED", "CREATED"]
    assert payload["results"][0]["errors"] == [
        {"code": "INVALID", "field": f"orders.0.{field}",
         "message": "must not contain the NUL character (U+0000)"}
    ]  # fmt: skip
