"""Numbers and texts the tables cannot hold: clear errors on their fields, nothing written."""

import pytest

from app.auth import Principal
from tests.api.test_create_order import create_order_input, line_input, make_shop, mutate


@pytest.fixture
async def shop(factory):
    return await make_shop(factory)


def errors_of(payload):
    return [(error["code"], error["field"], error["message"]) for error in payload["errors"]]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("NaN", "must be a finite number"),
        ("Infinity", "must be a finite number"),
        ("1e30", "must be below 1,000,000,000,000"),
        ("-1", "must not be negative"),
        ("1.234", "at most 2 decimal places"),
    ],
)
async def test_a_unit_price_must_be_a_storable_amount(gql, shop, price, message):
    line = {**line_input(shop.products[0], 1), "unitPrice": price}

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line]))

    assert errors_of(payload) == [("INVALID", "lines.0.unitPrice", message)]


async def test_a_huge_quantity_is_refused_before_the_amounts_overflow(gql, shop):
    line = {**line_input(shop.products[0], 1), "quantity": 1_000_000_001}

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line]))

    assert errors_of(payload) == [
        ("INVALID", "lines.0.quantity", "the quantity must be at most 1,000,000,000")
    ]


async def test_an_order_total_the_column_cannot_hold_is_invalid_on_the_lines(gql, shop):
    # the price fits, and so does the line; with 18 % tax the total is 1,062,000,000,000.00
    line = {**line_input(shop.products[0], 1), "unitPrice": "900000000000.00"}

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line]))

    message = "the order's amounts (tax included) must stay below 1,000,000,000,000"
    assert errors_of(payload) == [("INVALID", "lines", message)]


async def test_a_line_amount_the_column_cannot_hold_is_invalid_on_its_quantity(gql, shop):
    lines = [
        line_input(shop.products[0], 1),
        {**line_input(shop.products[1], 2), "unitPrice": "999999999999.99"},
    ]

    payload = await mutate(gql, "createOrder", create_order_input(shop, lines))

    message = "quantity x unit price must be below 1,000,000,000,000"
    assert errors_of(payload) == [("INVALID", "lines.1.quantity", message)]


async def test_an_update_to_amounts_the_columns_cannot_hold_is_invalid(gql, shop):
    created = await mutate(gql, "createOrder", create_order_input(shop), "order { id version }")
    line = {**line_input(shop.products[0], 1), "unitPrice": "900000000000.00"}
    update = {**created["order"], "lines": [line]}

    payload = await mutate(gql, "updateOrder", update, "errors { code field message }")

    message = "the order's amounts (tax included) must stay below 1,000,000,000,000"
    assert errors_of(payload) == [("INVALID", "lines", message)]


async def test_quantities_that_add_up_past_the_total_quantity_column_are_invalid(gql, shop):
    lines = [line_input(shop.products[0], 1_000_000_000)] * 3

    payload = await mutate(gql, "createOrder", create_order_input(shop, lines))

    message = "the lines' quantities must add up to at most 2,147,483,647"
    assert errors_of(payload) == [("INVALID", "lines", message)]


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("0.123456", "a rate has at most 4 decimal places"),
        ("NaN", "a rate must be between 0 and 1 (0.10 means 10 %), got NaN"),
    ],
)
async def test_a_discount_rate_must_be_storable(gql, shop, rate, message):
    line = {**line_input(shop.products[0], 1), "discounts": [{"rate": "0.1"}, {"rate": rate}]}
    order_input = create_order_input(shop, [line], discounts=[{"rate": rate}])

    payload = await mutate(gql, "createOrder", order_input)

    assert errors_of(payload) == [
        ("INVALID", "lines.0.discounts.1.rate", message),
        ("INVALID", "discounts.0.rate", message),
    ]


async def test_texts_longer_than_their_columns_are_invalid_on_their_field(gql, shop):
    line = {
        **line_input(shop.products[0], 1),
        "externalId": "x" * 65,
        "discounts": [{"rate": "0.1", "typeCode": "C" * 33}],
    }

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line]))

    assert errors_of(payload) == [
        ("INVALID", "lines.0.externalId", "at most 64 characters"),
        ("INVALID", "lines.0.discounts.0.typeCode", "at most 32 characters"),
    ]


async def test_units_must_be_positive(gql, shop):
    line = {**line_input(shop.products[0], 1), "units": -3}

    payload = await mutate(gql, "createOrder", create_order_input(shop, [line]))

    assert errors_of(payload) == [("INVALID", "lines.0.units", "units must be greater than 0")]


async def test_too_many_lines_are_refused_before_any_lookup(gql, shop, sql_statements):
    lines = [line_input(shop.products[0], 1)] * 501
    sql_statements.clear()

    payload = await mutate(gql, "createOrder", create_order_input(shop, lines))

    assert errors_of(payload) == [("LIMIT_EXCEEDED", "lines", "at most 500 lines per order")]
    assert not any("FROM products" in statement for statement in sql_statements)


async def test_a_company_name_longer_than_its_column_is_invalid(gql):
    result = await gql(
        'mutation { createCompany(input: {code: "LONG", name: "%s"}) {'
        " company { id } errors { code field message } } }" % ("n" * 201)
    )

    assert result.data["createCompany"] == {
        "company": None,
        "errors": [{"code": "INVALID", "field": "name", "message": "at most 200 characters"}],
    }


async def test_texts_postgresql_cannot_store_are_invalid_on_their_field(gql, shop):
    line = {**line_input(shop.products[0], 1), "externalId": "L\x00"}
    order = {**create_order_input(shop, [line]), "number": "A\x00B", "observations": "\ud800"}

    payload = await mutate(gql, "createOrder", order)

    assert errors_of(payload) == [
        ("INVALID", "number", "must not contain the NUL character (U+0000)"),
        ("INVALID", "observations",
         "must be valid Unicode text (a lone surrogate such as U+D800 is not)"),
        ("INVALID", "lines.0.externalId", "must not contain the NUL character (U+0000)"),
    ]  # fmt: skip


async def test_an_unstorable_text_in_an_update_is_invalid_on_its_field(gql, shop):
    lines = [line_input(shop.products[0], 1)]
    order = await mutate(gql, "createOrder", create_order_input(shop, lines), "order { id }")

    payload = await mutate(
        gql, "updateOrder", {"id": order["order"]["id"], "version": 1, "description": "\x00"}
    )

    assert errors_of(payload) == [
        ("INVALID", "description", "must not contain the NUL character (U+0000)")
    ]


async def test_a_key_without_the_scope_is_forbidden_before_its_texts_are_checked(gql, shop):
    principal = Principal(
        key_id="reader", company_ids=frozenset({shop.company.id}), scopes=frozenset({"order.read"})
    )

    result = await gql.as_principal(
        principal,
        "mutation($input: CreateOrderInput!) { createOrder(input: $input) { errors { code } } }",
        {"input": {**create_order_input(shop, []), "number": "\x00"}},
    )

    assert [error.extensions["code"] for error in result.errors] == ["FORBIDDEN"]
