"""Inputs past what the API stores: long texts, far instants, long lists. INVALID, nothing written.

Over a real server; each refusal names the input path, and the database holds no new order.
"""

import pytest

from app.domain.money import MAX_DISCOUNTS
from app.domain.new_order import MAX_LINES
from app.domain.storable import SEARCH_MAX, TEXT_MAX
from tests.hostile.test_envelope import still_serves

CREATE = """mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } errors { code field message } }
}"""
SEARCH = "query Search($text: String) { orders(filter: {search: $text}) { totalCount } }"


def order_input(tenant, **fields) -> dict:
    return {
        "companyId": tenant.gid("Company"),
        "number": "H-1",
        "clientId": tenant.gid("Client"),
        "lines": [{"productId": tenant.gid("Product"), "quantity": 1}],
    } | fields


async def create(hostile, tenant, **fields) -> list[tuple[str, str, str]]:
    variables = {"input": order_input(tenant, **fields)}
    response = await hostile.caller.post("/graphql", json={"query": CREATE, "variables": variables})
    assert response.status_code == 200
    payload = response.json()["data"]["createOrder"]
    assert payload["order"] is None
    return [(e["code"], e["field"], e["message"]) for e in payload["errors"]]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"description": "x" * (TEXT_MAX + 1)},
            ("INVALID", "description", f"must be at most 10,000 characters, got {TEXT_MAX + 1:,}"),
        ),
        (
            {"observations": "y" * (TEXT_MAX * 3)},
            ("INVALID", "observations", "must be at most 10,000 characters, got 30,000"),
        ),
        (
            {"orderedAt": "9999-12-31T23:59:59-12:00"},
            ("INVALID", "orderedAt", "must be an instant from 1901-01-01 to 8999-12-31 (UTC)"),
        ),
        (
            {"orderedAt": "0001-01-01T00:00:00+05:00"},
            ("INVALID", "orderedAt", "must be an instant from 1901-01-01 to 8999-12-31 (UTC)"),
        ),
        (
            {"estimatedDeliveryOn": "9999-12-31"},
            ("INVALID", "estimatedDeliveryOn", "must be a date from 1901-01-01 to 8999-12-31"),
        ),
    ],
    ids=["description", "observations", "ordered at 9999", "ordered at year 1", "delivery 9999"],
)
async def test_an_input_the_api_cannot_hold_is_invalid_on_its_path(
    hostile, tenant, fields, expected
):
    before = await hostile.orders()

    assert await create(hostile, tenant, **fields) == [expected]
    assert await hostile.orders() == before
    await still_serves(hostile)


async def test_too_many_lines_are_refused_on_the_lines(hostile, tenant):
    lines = [{"productId": tenant.gid("Product"), "quantity": 1}] * (MAX_LINES + 1)
    before = await hostile.orders()

    errors = await create(hostile, tenant, lines=lines)

    assert ("LIMIT_EXCEEDED", "lines", f"at most {MAX_LINES} lines per order") in errors
    assert await hostile.orders() == before


async def search(hostile, text: str) -> dict:
    body = {"query": SEARCH, "variables": {"text": text}}
    response = await hostile.caller.post("/graphql", json=body)
    assert response.status_code == 200
    return response.json()


async def test_a_search_term_over_its_length_is_refused_before_any_sql(hostile):
    body = await search(hostile, "a" * (SEARCH_MAX + 1))

    [error] = body["errors"]
    assert error["message"] == (
        f"filter.search: must be at most {SEARCH_MAX} characters, got {SEARCH_MAX + 1}"
    )
    assert error["extensions"] == {"code": "INVALID", "argument": "filter.search"}
    await still_serves(hostile)


async def test_a_search_term_within_its_length_is_answered(hostile, tenant):
    body = await search(hostile, tenant.order_number + "x" * (SEARCH_MAX - 20))

    assert body["data"] == {"orders": {"totalCount": 0}}


async def test_a_search_of_megabytes_never_reaches_the_database(hostile):
    body = {"query": SEARCH, "variables": {"text": "a" * (2 * 1024 * 1024)}}

    response = await hostile.caller.post("/graphql", json=body)

    assert response.status_code == 413
    await still_serves(hostile)


@pytest.mark.parametrize("root", ["companies", "clients", "agents", "products", "seasons"])
async def test_every_list_search_is_a_short_term(hostile, root):
    query = f"query S($text: String) {{ {root}(search: $text) {{ totalCount }} }}"
    body = {"query": query, "variables": {"text": "a" * (SEARCH_MAX + 1)}}

    response = await hostile.caller.post("/graphql", json=body)

    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID", "argument": "search"}


async def test_too_many_discounts_are_refused_on_their_list(hostile, tenant):
    discounts = [{"rate": "0.01"}] * (MAX_DISCOUNTS + 1)
    line = {"productId": tenant.gid("Product"), "quantity": 1, "discounts": discounts}

    errors = await create(hostile, tenant, lines=[line], discounts=discounts)

    message = f"at most {MAX_DISCOUNTS} discounts, got {MAX_DISCOUNTS + 1}"
    assert ("LIMIT_EXCEEDED", "lines.0.discounts", message) in errors
    assert ("LIMIT_EXCEEDED", "discounts", message) in errors
