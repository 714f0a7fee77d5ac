"""Tenant isolation, door by door, over HTTP with a key of company A only; B has data of its own.

A key never sees another company's data: not in lists, filters, by id, by number, through a
nested field, nor through a mutation, which answers for B's rows exactly as for missing ones.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from strawberry.relay import to_base64

from app.settings import Settings
from tests.access.conftest import KeyRing, Tenant, data, http, running, unique

ERRORS = "errors { code field message }"
MISSING = 2_000_000_000  # no row has this id


@dataclass
class Clients:
    a: httpx.AsyncClient  # a key of company A only (admin scope: every door is open to it)
    both: httpx.AsyncClient  # a key of A and B: the control, showing B's data is there


@pytest.fixture(scope="module")
async def api(tenants, sessions, database_url) -> AsyncIterator[Clients]:
    a, b = tenants
    ring = KeyRing(sessions)
    settings = Settings(database_url=database_url, _env_file=None, bulk_worker_enabled=False)  # type: ignore[call-arg]
    async with running(settings) as app:
        key_a = await ring.issue(["admin"], [a.code])
        key_both = await ring.issue(["admin"], [a.code, b.code])
        async with http(app, key_a.plain) as client_a, http(app, key_both.plain) as both:
            yield Clients(client_a, both)
    await ring.delete_all()


async def snapshot(sessions, tenant: Tenant) -> list[str]:
    """Every row of the tenant, as text: unchanged means nothing was written."""
    company = tenant.ids["Company"]
    statements = [
        "SELECT t::text FROM companies t WHERE t.id = :c",
        *(
            f"SELECT t::text FROM {table} t WHERE t.company_id = :c"
            for table in ("partners", "products", "seasons", "payment_methods", "orders")
        ),
        *(
            f"SELECT t::text FROM {table} t JOIN orders o ON o.id = t.order_id"
            f" WHERE o.company_id = :c"
            for table in ("order_lines", "order_events")
        ),
        "SELECT t::text FROM stock_items t JOIN products p ON p.id = t.product_id"
        " WHERE p.company_id = :c",
        "SELECT t::text FROM addresses t JOIN partners p ON p.id = t.partner_id"
        " WHERE p.company_id = :c",
    ]
    async with sessions() as session:
        rows = []
        for statement in statements:
            rows += list(await session.scalars(sa.text(statement), {"c": company}))
    return sorted(rows)


# --- reading -------------------------------------------------------------------------------------

LISTS = {
    "orders": "Order",
    "clients": "Client",
    "agents": "Agent",
    "products": "Product",
    "seasons": "Season",
    "companies": "Company",
    "paymentMethods": "PaymentMethod",
}


@pytest.mark.parametrize("field", LISTS)
async def test_lists_show_only_the_keys_companies(api, tenants, field):
    a, b = tenants
    document = (
        f"{{ {field}(first: 100) {{ totalCount nodes {{ id }} edges {{ node {{ id }} }} }} }}"
    )
    seen = (await data(api.a, document))[field]
    assert seen["totalCount"] == 1
    assert [node["id"] for node in seen["nodes"]] == [a.gid(LISTS[field])]
    assert [edge["node"]["id"] for edge in seen["edges"]] == [a.gid(LISTS[field])]
    control = (await data(api.both, document))[field]
    assert {node["id"] for node in control["nodes"]} == {a.gid(LISTS[field]), b.gid(LISTS[field])}


@pytest.mark.parametrize(
    ("field", "argument"),
    [
        ("orders", "filter: { companyIds: [$b] }"),
        ("clients", "companyIds: [$b]"),
        ("agents", "companyIds: [$b]"),
        ("products", "companyIds: [$b]"),
        ("seasons", "companyIds: [$b]"),
        ("paymentMethods", "companyIds: [$b]"),
    ],
)
async def test_filtering_on_the_other_company_gives_nothing(api, tenants, field, argument):
    _, b = tenants
    document = f"query Q($b: ID!) {{ {field}({argument}) {{ totalCount nodes {{ id }} }} }}"
    variables = {"b": b.gid("Company")}
    assert (await data(api.a, document, variables))[field] == {"totalCount": 0, "nodes": []}
    assert (await data(api.both, document, variables))[field]["totalCount"] == 1


async def test_filtering_orders_by_the_other_companys_client_or_number_gives_nothing(api, tenants):
    _, b = tenants
    document = """query Q($client: ID!, $number: String!) {
      byClient: orders(filter: { clientIds: [$client] }) { totalCount }
      bySearch: orders(filter: { search: $number }) { totalCount }
    }"""
    variables = {"client": b.gid("Client"), "number": b.order_number}
    expected = {"byClient": {"totalCount": 0}, "bySearch": {"totalCount": 0}}
    assert await data(api.a, document, variables) == expected
    assert await data(api.both, document, variables) != expected


NODE_TYPES = [
    "Order",
    "Client",
    "Agent",
    "Product",
    "Season",
    "PaymentMethod",
    "Company",
    "Address",
]


@pytest.mark.parametrize("type_name", NODE_TYPES)
async def test_node_by_the_other_companys_id_is_null(api, tenants, type_name):
    a, b = tenants
    document = "query Q($id: ID!) { node(id: $id) { id } }"
    assert await data(api.a, document, {"id": b.gid(type_name)}) == {"node": None}
    assert await data(api.a, document, {"id": a.gid(type_name)}) == {
        "node": {"id": a.gid(type_name)}
    }
    assert await data(api.both, document, {"id": b.gid(type_name)}) == {
        "node": {"id": b.gid(type_name)}
    }


async def test_nodes_by_the_other_companys_ids_are_null(api, tenants):
    a, b = tenants
    document = "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    ids = [b.gid(name) for name in NODE_TYPES] + [a.gid("Order")]
    found = (await data(api.a, document, {"ids": ids}))["nodes"]
    assert found == [None] * len(NODE_TYPES) + [{"id": a.gid("Order")}]


async def test_an_order_of_the_other_company_by_id_or_number_is_null(api, tenants):
    a, b = tenants
    document = """query Q($id: ID!, $number: String!, $b: ID!) {
      byId: order(id: $id) { id }
      byNumber: order(number: $number) { id }
      byNumberInB: order(number: $number, companyId: $b) { id }
    }"""
    variables = {"id": b.gid("Order"), "number": b.order_number, "b": b.gid("Company")}
    assert await data(api.a, document, variables) == {
        "byId": None,
        "byNumber": None,
        "byNumberInB": None,
    }
    own = await data(
        api.a, "query Q($n: String!) { order(number: $n) { id } }", {"n": a.order_number}
    )
    assert own == {"order": {"id": a.gid("Order")}}


async def test_nested_fields_show_only_the_keys_company(api, tenants):
    a, _ = tenants
    document = """query Q($id: ID!) {
      node(id: $id) { ... on Order {
        company { id } client { id orders { totalCount nodes { id } } } agent { id }
        season { id } paymentMethod { id } shippingAddress { id } billingAddress { id }
        lines { product { id company { id } } }
        events { totalCount }
      } }
    }"""
    order = (await data(api.a, document, {"id": a.gid("Order")}))["node"]
    assert order == {
        "company": {"id": a.gid("Company")},
        "client": {
            "id": a.gid("Client"),
            "orders": {"totalCount": 1, "nodes": [{"id": a.gid("Order")}]},
        },
        "agent": {"id": a.gid("Agent")},
        "season": {"id": a.gid("Season")},
        "paymentMethod": {"id": a.gid("PaymentMethod")},
        "shippingAddress": {"id": a.gid("Address")},
        "billingAddress": {"id": a.gid("Address")},
        "lines": [{"product": {"id": a.gid("Product"), "company": {"id": a.gid("Company")}}}],
        "events": {"totalCount": 1},
    }


# --- writing -------------------------------------------------------------------------------------

ORDER_MUTATIONS = {
    "confirmOrder": {},
    "cancelOrder": {"reason": "OTHER"},
    "updateOrder": {"version": 1, "description": "taken over"},
    "deleteOrder": {},
    "shipOrder": {},
    "deliverOrder": {"complete": True},
    "returnOrderItems": {"items": [{"productCode": "X", "quantity": 1}]},
}


def mutation(name: str, selection: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"


async def payload(client: httpx.AsyncClient, name: str, input: dict[str, Any], selection: str):
    return (await data(client, mutation(name, selection), {"input": input}))[name]


@pytest.mark.parametrize("name", ORDER_MUTATIONS)
async def test_an_order_mutation_on_the_other_companys_order_is_not_found(
    api, tenants, sessions, name
):
    _, b = tenants
    selection = ("deletedId " if name == "deleteOrder" else "order { id } ") + ERRORS
    before = await snapshot(sessions, b)
    theirs = await payload(api.a, name, {"id": b.gid("Order"), **ORDER_MUTATIONS[name]}, selection)
    missing = {"id": to_base64("Order", MISSING), **ORDER_MUTATIONS[name]}
    assert theirs == await payload(api.a, name, missing, selection)
    assert theirs["errors"] == [
        {"code": "NOT_FOUND", "field": "id", "message": "no order with this id"}
    ]
    assert await snapshot(sessions, b) == before


def _order_input(a: Tenant, **fields: str) -> dict[str, Any]:
    return {
        "companyId": a.gid("Company"),
        "number": unique("ISO"),
        "clientId": a.gid("Client"),
        "lines": [{"productId": fields.pop("productId", a.gid("Product")), "quantity": 1}],
    } | fields


@pytest.mark.parametrize(
    ("field", "type_name", "path"),
    [
        ("companyId", "Company", "companyId"),
        ("clientId", "Client", "clientId"),
        ("agentId", "Agent", "agentId"),
        ("seasonId", "Season", "seasonId"),
        ("paymentMethodId", "PaymentMethod", "paymentMethodId"),
        ("shippingAddressId", "Address", "shippingAddressId"),
        ("productId", "Product", "lines.0.productId"),
    ],
)
async def test_create_order_with_an_id_of_the_other_company_is_not_found(
    api, tenants, sessions, field, type_name, path
):
    a, b = tenants
    selection = f"order {{ id }} {ERRORS}"
    before = await snapshot(sessions, a), await snapshot(sessions, b)
    theirs = await payload(
        api.a, "createOrder", _order_input(a, **{field: b.gid(type_name)}), selection
    )
    missing = _order_input(a, **{field: to_base64(type_name, MISSING)})
    assert theirs == await payload(api.a, "createOrder", missing, selection)
    assert theirs["order"] is None
    assert [(e["code"], e["field"]) for e in theirs["errors"]] == [("NOT_FOUND", path)]
    assert (await snapshot(sessions, a), await snapshot(sessions, b)) == before


REFERENCE_UPDATES = {
    "updateCompany": ("Company", "company", {"name": "Taken"}),
    "updateClient": ("Client", "client", {"name": "Taken"}),
    "updateAgent": ("Agent", "agent", {"name": "Taken"}),
    "updateSeason": ("Season", "season", {"description": "Taken"}),
    "updateProduct": ("Product", "product", {"name": "Taken"}),
    "updatePaymentMethod": ("PaymentMethod", "paymentMethod", {"name": "Taken"}),
}


@pytest.mark.parametrize("name", REFERENCE_UPDATES)
async def test_updating_the_other_companys_reference_data_is_not_found(
    api, tenants, sessions, name
):
    _, b = tenants
    type_name, field, changes = REFERENCE_UPDATES[name]
    selection = f"{field} {{ id }} {ERRORS}"
    before = await snapshot(sessions, b)
    theirs = await payload(api.a, name, {"id": b.gid(type_name), **changes}, selection)
    missing = {"id": to_base64(type_name, MISSING), **changes}
    assert theirs == await payload(api.a, name, missing, selection)
    assert theirs[field] is None
    assert [(e["code"], e["field"]) for e in theirs["errors"]] == [("NOT_FOUND", "id")]
    assert await snapshot(sessions, b) == before


REFERENCE_CREATES = {
    "createClient": ("client", {"name": "Intruder"}),
    "createAgent": ("agent", {"name": "Intruder"}),
    "createSeason": ("season", {"description": "Intruder"}),
    "createProduct": ("product", {"name": "Intruder", "listPrice": "1.00"}),
    "createPaymentMethod": ("paymentMethod", {"name": "Intruder"}),
}


@pytest.mark.parametrize("name", REFERENCE_CREATES)
async def test_creating_in_the_other_company_is_not_found(api, tenants, sessions, name):
    _, b = tenants
    field, fields = REFERENCE_CREATES[name]
    selection = f"{field} {{ id }} {ERRORS}"
    before = await snapshot(sessions, b)
    code = unique("INTR")
    theirs = await payload(
        api.a, name, {"companyId": b.gid("Company"), "code": code, **fields}, selection
    )
    missing = {"companyId": to_base64("Company", MISSING), "code": code, **fields}
    assert theirs == await payload(api.a, name, missing, selection)
    assert [(e["code"], e["field"]) for e in theirs["errors"]] == [("NOT_FOUND", "companyId")]
    assert await snapshot(sessions, b) == before


async def test_setting_the_stock_of_the_other_companys_product_is_not_found(api, tenants, sessions):
    _, b = tenants
    selection = f"product {{ id stock }} {ERRORS}"
    before = await snapshot(sessions, b)
    theirs = await payload(
        api.a, "setStockLevel", {"productId": b.gid("Product"), "onHand": 1}, selection
    )
    missing = {"productId": to_base64("Product", MISSING), "onHand": 1}
    assert theirs == await payload(api.a, "setStockLevel", missing, selection)
    assert theirs == {
        "product": None,
        "errors": [
            {"code": "NOT_FOUND", "field": "productId", "message": "no product with this id"}
        ],
    }
    assert await snapshot(sessions, b) == before
