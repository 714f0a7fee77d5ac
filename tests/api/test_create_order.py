"""createOrder: defaults, unique numbers, who the order is for, lines, money and sent amounts.

The helpers at the top (shop, input builders, `mutate`) are shared by the other order API tests.
"""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import to_base64

from app.domain.new_order import CUSTOMS_NOTE
from db import models

ERRORS = "errors { code field message }"
ORDER = """
  id number series status type observations description orderedAt estimatedDeliveryOn
  version createdBy grossAmount discountAmount taxableBase taxAmount shippingAmount totalAmount
  totalQuantity deliveredQuantity
  lines { quantity units unitPrice grossAmount discountAmount amount product { code } }
  events { edges { node { kind statusBefore statusAfter actor details } } }
"""
PAYLOAD = f"order {{ {ORDER} }} {ERRORS}"
COUNT_ORDERS = "{ orders { totalCount } }"
_numbers = itertools.count(1)


def gid(type_name: str, row: Any) -> str:
    return to_base64(type_name, row.id)


async def mutate(gql: Any, name: str, input: dict[str, Any], selection: str = PAYLOAD) -> Any:
    """Run mutation `name` with `input`; the payload, after checking there is no GraphQL error."""
    input_type = name[0].upper() + name[1:] + "Input"
    document = f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"
    result = await gql(document, {"input": input})
    assert result.errors is None, result.errors
    return result.data[name]


async def query(gql: Any, document: str, variables: dict[str, Any] | None = None) -> Any:
    result = await gql(document, variables)
    assert result.errors is None, result.errors
    return result.data


async def read_order(gql: Any, order_id: str, selection: str = ORDER) -> Any:
    data = await query(
        gql, f"query Q($id: ID!) {{ order(id: $id) {{ {selection} }} }}", {"id": order_id}
    )
    return data["order"]


@dataclass
class Shop:
    """A company with a client (one shipping-and-billing address), an agent and two products."""

    company: models.Company
    client: models.Partner
    address: models.Address
    agent: models.Partner
    products: list[models.Product]


async def make_shop(factory: Any, **company_fields: Any) -> Shop:
    company = await factory.company(**company_fields)
    client = await factory.client(company)
    shop = Shop(
        company=company,
        client=client,
        address=await factory.address(client),
        agent=await factory.agent(company),
        products=[await factory.product(company) for _ in range(2)],
    )
    # committed, so a refused mutation's rollback keeps the rows; detached, so it does not
    # expire them either (their attributes stay readable without I/O)
    await factory.session.commit()
    for row in (company, client, shop.address, shop.agent, *shop.products):
        factory.session.expunge(row)
    return shop


def line_input(product: models.Product, quantity: int, **fields: Any) -> dict[str, Any]:
    return {"productId": gid("Product", product), "quantity": quantity} | fields


def create_order_input(
    shop: Shop, lines: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    """A valid createOrder input: 2 units of the shop's first product (10.00 each) by default."""
    return {
        "companyId": gid("Company", shop.company),
        "number": f"T-{next(_numbers):06d}",
        "clientId": gid("Client", shop.client),
        "lines": lines if lines is not None else [line_input(shop.products[0], 2)],
    } | fields


def refused(code: str, field: str, message: str) -> dict[str, Any]:
    return {"order": None, "errors": [{"code": code, "field": field, "message": message}]}


@pytest.fixture
async def shop(factory: Any) -> Shop:
    return await make_shop(factory)


async def test_create_applies_the_defaults(gql, shop):
    payload = await mutate(gql, "createOrder", create_order_input(shop))

    assert payload["errors"] == []
    order = payload["order"]
    ordered_at = datetime.fromisoformat(order["orderedAt"])
    assert abs(datetime.now(UTC) - ordered_at) < timedelta(minutes=1)
    assert order["estimatedDeliveryOn"] == str((ordered_at + timedelta(days=7)).date())
    assert (order["status"], order["type"], order["version"]) == ("PENDING", "DOMESTIC", 1)
    assert (order["observations"], order["createdBy"]) == (None, "test")
    assert order["events"]["edges"] == [
        {
            "node": {
                "kind": "CREATED",
                "statusBefore": None,
                "statusAfter": "PENDING",
                "actor": "test",
                "details": {"total": "23.60", "lines": 1},
            }
        }
    ]


async def test_create_keeps_an_explicit_ordered_at_and_counts_the_week_from_it(gql, shop):
    order_input = create_order_input(shop, orderedAt="2024-01-15T14:30:00+00:00")

    order = (await mutate(gql, "createOrder", order_input))["order"]

    assert order["orderedAt"] == "2024-01-15T14:30:00+00:00"
    assert order["estimatedDeliveryOn"] == "2024-01-22"


async def test_create_keeps_an_explicit_estimated_delivery_date(gql, shop):
    order_input = create_order_input(shop, estimatedDeliveryOn="2030-02-01")

    order = (await mutate(gql, "createOrder", order_input))["order"]

    assert order["estimatedDeliveryOn"] == "2030-02-01"


@pytest.mark.parametrize("column", ["number", "series"])
async def test_number_and_series_are_unique_per_company(gql, shop, column):
    first = create_order_input(shop, series="A001")
    await mutate(gql, "createOrder", first)
    again = create_order_input(shop, series="A002") | {column: first[column]}

    payload = await mutate(gql, "createOrder", again)

    message = f"the company already has an order with {column} {first[column]}"
    assert payload == refused("NOT_UNIQUE", column, message)


async def test_another_company_may_use_the_same_number_and_series(gql, shop, factory):
    other = await make_shop(factory)
    await mutate(gql, "createOrder", create_order_input(shop, number="PED-1", series="A001"))

    payload = await mutate(
        gql, "createOrder", create_order_input(other, number="PED-1", series="A001")
    )

    assert payload["errors"] == []
    assert (payload["order"]["number"], payload["order"]["series"]) == ("PED-1", "A001")


async def test_parties_and_addresses_of_the_client_are_accepted(gql, shop):
    address = gid("Address", shop.address)
    order_input = create_order_input(
        shop, agentId=gid("Agent", shop.agent), shippingAddressId=address, billingAddressId=address
    )

    selection = (
        f"order {{ agent {{ name }} shippingAddress {{ id }} billingAddress {{ id }} }} {ERRORS}"
    )
    payload = await mutate(gql, "createOrder", order_input, selection)

    assert payload == {
        "order": {
            "agent": {"name": shop.agent.name},
            "shippingAddress": {"id": address},
            "billingAddress": {"id": address},
        },
        "errors": [],
    }


async def test_an_agent_only_partner_cannot_be_the_client(gql, shop):
    order_input = create_order_input(shop, clientId=gid("Client", shop.agent))

    payload = await mutate(gql, "createOrder", order_input)

    assert payload == refused("INVALID", "clientId", "this partner does not have the CLIENT role")


async def test_a_client_of_another_company_is_refused(gql, shop, factory):
    other = await make_shop(factory)
    order_input = create_order_input(shop, clientId=gid("Client", other.client))

    payload = await mutate(gql, "createOrder", order_input)

    assert payload == refused("INVALID", "clientId", "the client belongs to another company")


async def test_an_unknown_client_is_not_found(gql, shop):
    payload = await mutate(
        gql, "createOrder", create_order_input(shop, clientId=to_base64("Client", 0))
    )

    assert payload == refused("NOT_FOUND", "clientId", "no client with this id")


async def test_the_agent_must_be_a_representative(gql, shop):
    order_input = create_order_input(shop, agentId=gid("Agent", shop.client))

    payload = await mutate(gql, "createOrder", order_input)

    message = "this partner does not have the REPRESENTATIVE role"
    assert payload == refused("INVALID", "agentId", message)


@pytest.mark.parametrize(
    ("field", "flags", "use"),
    [
        ("shippingAddressId", {"is_shipping": False}, "shipping"),
        ("billingAddressId", {"is_billing": False}, "billing"),
    ],
)
async def test_an_address_must_be_flagged_for_its_use(gql, shop, factory, field, flags, use):
    address = await factory.address(shop.client, **flags)

    payload = await mutate(
        gql, "createOrder", create_order_input(shop, **{field: gid("Address", address)})
    )

    assert payload == refused("INVALID", field, f"the address is not flagged for {use}")


async def test_an_address_of_another_client_is_refused(gql, shop, factory):
    stranger = await factory.address(await factory.client(shop.company))
    order_input = create_order_input(shop, shippingAddressId=gid("Address", stranger))

    payload = await mutate(gql, "createOrder", order_input)

    assert payload == refused(
        "INVALID", "shippingAddressId", "the address is not one of the client's"
    )


async def test_an_unknown_product_is_not_found_at_its_line(gql, shop):
    lines = [line_input(shop.products[0], 1), {"productId": to_base64("Product", 0), "quantity": 1}]

    payload = await mutate(gql, "createOrder", create_order_input(shop, lines))

    message = "no product with this id in the company"
    assert payload == refused("NOT_FOUND", "lines.1.productId", message)


async def test_a_product_of_another_company_is_not_found(gql, shop, factory):
    foreign = await factory.product(await factory.company())

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line_input(foreign, 1)]))

    message = "no product with this id in the company"
    assert payload == refused("NOT_FOUND", "lines.0.productId", message)


async def test_a_quantity_of_zero_is_invalid(gql, shop):
    payload = await mutate(
        gql, "createOrder", create_order_input(shop, [line_input(shop.products[0], 0)])
    )

    message = "the quantity must be greater than 0"
    assert payload == refused("INVALID", "lines.0.quantity", message)


async def test_every_violation_is_reported_in_one_response(gql, shop):
    await mutate(gql, "createOrder", create_order_input(shop, number="PED-1"))
    lines = [
        {"productId": to_base64("Product", 0), "quantity": 1},
        line_input(shop.products[0], 0),
    ]
    order_input = create_order_input(
        shop, lines, number="PED-1", clientId=gid("Client", shop.agent)
    )

    payload = await mutate(gql, "createOrder", order_input)

    assert payload == {
        "order": None,
        "errors": [
            {
                "code": "INVALID",
                "field": "clientId",
                "message": "this partner does not have the CLIENT role",
            },
            {
                "code": "NOT_FOUND",
                "field": "lines.0.productId",
                "message": "no product with this id in the company",
            },
            {
                "code": "INVALID",
                "field": "lines.1.quantity",
                "message": "the quantity must be greater than 0",
            },
            {
                "code": "NOT_UNIQUE",
                "field": "number",
                "message": "the company already has an order with number PED-1",
            },
        ],
    }


async def test_a_wrong_sent_total_is_reported_along_with_a_party_error(gql, shop):
    order_input = create_order_input(shop, clientId=gid("Client", shop.agent), totalAmount="99.99")

    payload = await mutate(gql, "createOrder", order_input)

    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": "clientId",
            "message": "this partner does not have the CLIENT role",
        },
        {
            "code": "INVALID",
            "field": "totalAmount",
            "message": "sent 99.99, but the lines give 23.60",
        },
    ]


async def test_an_unknown_company_is_reported_with_what_can_be_checked_without_it(gql, shop):
    lines = [line_input(shop.products[0], 0), line_input(shop.products[1], 1, unitPrice="1.234")]
    order_input = create_order_input(
        shop, lines, companyId=to_base64("Company", 999_999), number=" ", series="S" * 51
    )

    payload = await mutate(gql, "createOrder", order_input)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NOT_FOUND", "companyId"),
        ("INVALID", "lines.0.quantity"),
        ("INVALID", "lines.1.unitPrice"),
        ("INVALID", "series"),
        ("INVALID", "number"),
    ]
    assert payload["order"] is None


async def test_a_refused_create_writes_nothing(gql, shop):
    before = await query(gql, COUNT_ORDERS)
    order_input = create_order_input(shop, [line_input(shop.products[0], 0)])

    payload = await mutate(gql, "createOrder", order_input)

    assert payload["order"] is None
    assert await query(gql, COUNT_ORDERS) == before == {"orders": {"totalCount": 0}}


@pytest.mark.parametrize(
    ("order_type", "sent", "stored"),
    [
        ("INTERNATIONAL", None, CUSTOMS_NOTE),
        ("INTERNATIONAL", "Fragile", f"Fragile\n{CUSTOMS_NOTE}"),
        ("DOMESTIC", None, None),
        ("DOMESTIC", "Fragile", "Fragile"),
    ],
)
async def test_international_orders_get_the_customs_note(gql, shop, order_type, sent, stored):
    order_input = create_order_input(shop, type=order_type, observations=sent)

    order = (await mutate(gql, "createOrder", order_input))["order"]

    assert (order["type"], order["observations"]) == (order_type, stored)


async def test_line_and_header_discounts_apply_in_sequence_at_the_company_tax_rate(gql, factory):
    shop = await make_shop(factory, tax_rate=Decimal("0.21"))
    in_sequence = [{"rate": "0.10"}, {"rate": "0.05"}]
    lines = [
        line_input(shop.products[0], 3, unitPrice="19.99", discounts=in_sequence),
        line_input(shop.products[1], 2, unitPrice="12.50"),
    ]
    order_input = create_order_input(shop, lines, discounts=in_sequence, shippingAmount="5.00")

    order = (await mutate(gql, "createOrder", order_input))["order"]

    # line 1: 59.97, less 6.00 (10 %), less 2.70 (5 % of 53.97) = 51.27; line 2: 25.00
    assert [(ln["grossAmount"], ln["discountAmount"], ln["amount"]) for ln in order["lines"]] == [
        ("59.97", "8.70", "51.27"),
        ("25.00", "0.00", "25.00"),
    ]
    # 76.27, less 7.63 (10 %), less 3.43 (5 % of 68.64) = 65.21; 21 % of it is 13.69
    amounts = (
        "grossAmount",
        "discountAmount",
        "taxableBase",
        "taxAmount",
        "shippingAmount",
        "totalAmount",
    )
    assert {name: order[name] for name in amounts} == {
        "grossAmount": "76.27",
        "discountAmount": "11.06",
        "taxableBase": "65.21",
        "taxAmount": "13.69",
        "shippingAmount": "5.00",
        "totalAmount": "83.90",
    }
    assert order["totalQuantity"] == 5


# 2 x 10.00: gross and base 20.00, IGV 3.60, total 23.60
COMPUTED = {
    "grossAmount": "20.00",
    "taxableBase": "20.00",
    "taxAmount": "3.60",
    "totalAmount": "23.60",
}


@pytest.mark.parametrize("field", COMPUTED)
@pytest.mark.parametrize("off_by", ["0.01", "-0.01", "0"])
async def test_sent_amounts_within_a_cent_are_accepted(gql, shop, field, off_by):
    sent = str(Decimal(COMPUTED[field]) + Decimal(off_by))

    payload = await mutate(gql, "createOrder", create_order_input(shop, **{field: sent}))

    assert payload["errors"] == []
    assert payload["order"][field] == COMPUTED[field]


@pytest.mark.parametrize("field", COMPUTED)
@pytest.mark.parametrize("off_by", ["0.02", "-0.02"])
async def test_sent_amounts_off_by_more_than_a_cent_are_refused(gql, shop, field, off_by):
    sent = str(Decimal(COMPUTED[field]) + Decimal(off_by))

    payload = await mutate(gql, "createOrder", create_order_input(shop, **{field: sent}))

    message = f"sent {sent}, but the lines give {COMPUTED[field]}"
    assert payload == refused("INVALID", field, message)


async def test_unit_price_and_units_default_to_the_product(gql, factory, shop):
    product = await factory.product(shop.company, list_price=Decimal("12.34"), units_per_package=6)
    lines = [line_input(product, 3), line_input(product, 1, unitPrice="11.00", units=1)]

    order = (await mutate(gql, "createOrder", create_order_input(shop, lines)))["order"]

    assert [(ln["unitPrice"], ln["units"], ln["amount"]) for ln in order["lines"]] == [
        ("12.34", 6, "37.02"),
        ("11.00", 1, "11.00"),
    ]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("number", 32), ("series", 32), ("destination", 200), ("externalId", 64), ("source", 32)],
)
async def test_a_value_longer_than_its_column_is_invalid(gql, shop, field, limit):
    document = (
        f"mutation M($input: CreateOrderInput!) {{ createOrder(input: $input) {{ {ERRORS} }} }}"
    )

    result = await gql(document, {"input": create_order_input(shop, **{field: "X" * (limit + 1)})})

    assert result.errors is None, result.errors
    errors = result.data["createOrder"]["errors"]
    assert [(error["code"], error["field"]) for error in errors] == [("INVALID", field)]
