"""Scopes: order.read for queries, order.write for order mutations, admin for reference data.

A missing scope answers FORBIDDEN on that field and nothing runs; `admin` holds every scope.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from strawberry.relay import to_base64
from strawberry.types.base import get_object_definition

from app.auth import SCOPES, Principal
from db import models
from graphql_schema.permissions import ScopePermission
from resolvers.roots.mutation import Mutation
from resolvers.roots.query import Query
from resolvers.roots.schema import schema
from tests.access.conftest import codes_of, post, unique

ERRORS = "errors { code field message }"
TABLES = (
    "companies", "partners", "addresses", "products", "seasons", "payment_methods", "orders",
    "order_lines", "order_events", "stock_items", "stock_reservations", "stock_movements",
)  # fmt: skip
ROWS_DIGEST = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"


@dataclass
class World:
    """Factory rows of one company (in the test's savepoint), as global ids."""

    company_id: int
    ids: dict[str, str]
    product_code: str

    def principal(self, *scopes: str) -> Principal:
        return Principal("scopes-test", frozenset({self.company_id}), frozenset(scopes))


@pytest.fixture
async def world(factory) -> World:
    company = await factory.company()
    client = await factory.client(company)
    await factory.address(client)
    agent = await factory.agent(company)
    product = await factory.product(company, stock=50)
    season = await factory.season(company)
    method = models.PaymentMethod(company_id=company.id, code=unique("PM"), name="Cash")
    factory.session.add(method)
    await factory.session.commit()
    order = await factory.order(company, client, [(product, 2, Decimal("10.00"))])
    rows = {
        "Company": company,
        "Client": client,
        "Agent": agent,
        "Product": product,
        "Season": season,
        "PaymentMethod": method,
        "Order": order,
    }
    ids = {name: to_base64(name, row.id) for name, row in rows.items()}
    return World(company.id, ids, product.code)


async def fingerprint(session) -> dict[str, str]:
    """A digest of every row of the tables a mutation could write."""
    found = {}
    for table in TABLES:
        found[table] = await session.scalar(sa.text(ROWS_DIGEST.format(table)))
    return found


@dataclass(frozen=True)
class Case:
    name: str
    scope: str
    input: Callable[[World], dict[str, Any]]
    valid: bool = True  # the input would succeed (given the scope) on the world's rows


def _named(name: str) -> dict[str, str]:
    return {"code": unique("X"), "name": name}


CASES = [
    Case("createOrder", "order.write", lambda w: {
        "companyId": w.ids["Company"], "number": unique("N"), "clientId": w.ids["Client"],
        "lines": [{"productId": w.ids["Product"], "quantity": 1}],
    }),
    Case("updateOrder", "order.write",
         lambda w: {"id": w.ids["Order"], "version": 1, "description": "changed"}),
    Case("deleteOrder", "order.write", lambda w: {"id": w.ids["Order"]}),
    Case("confirmOrder", "order.write", lambda w: {"id": w.ids["Order"]}),
    Case("cancelOrder", "order.write", lambda w: {"id": w.ids["Order"], "reason": "OTHER"}),
    Case("shipOrder", "order.write", lambda w: {"id": w.ids["Order"]}, valid=False),
    Case("deliverOrder", "order.write",
         lambda w: {"id": w.ids["Order"], "complete": True}, valid=False),
    Case("returnOrderItems", "order.write", lambda w: {
        "id": w.ids["Order"], "items": [{"productCode": w.product_code, "quantity": 1}],
    }, valid=False),
    Case("setStockLevel", "admin", lambda w: {"productId": w.ids["Product"], "onHand": 7}),
    Case("createCompany", "admin", lambda w: _named("New company")),
    Case("updateCompany", "admin", lambda w: {"id": w.ids["Company"], "name": "Renamed"}),
    Case("createClient", "admin", lambda w: {"companyId": w.ids["Company"], **_named("C")}),
    Case("updateClient", "admin", lambda w: {"id": w.ids["Client"], "name": "Renamed"}),
    Case("createAgent", "admin", lambda w: {"companyId": w.ids["Company"], **_named("A")}),
    Case("updateAgent", "admin", lambda w: {"id": w.ids["Agent"], "name": "Renamed"}),
    Case("createSeason", "admin", lambda w: {
        "companyId": w.ids["Company"], "code": unique("S"), "description": "Summer",
    }),
    Case("updateSeason", "admin", lambda w: {"id": w.ids["Season"], "description": "Winter"}),
    Case("createProduct", "admin", lambda w: {
        "companyId": w.ids["Company"], "listPrice": "1.00", **_named("P"),
    }),
    Case("updateProduct", "admin", lambda w: {"id": w.ids["Product"], "name": "Renamed"}),
    Case("createPaymentMethod", "admin",
         lambda w: {"companyId": w.ids["Company"], **_named("Card")}),
    Case("updatePaymentMethod", "admin",
         lambda w: {"id": w.ids["PaymentMethod"], "name": "Renamed"}),
]  # fmt: skip
BY_CASE = pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)


def mutation(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {ERRORS} }} }}"


QUERIES = {
    "node": "query Q($o: ID!) { node(id: $o) { id } }",
    "nodes": "query Q($o: ID!) { nodes(ids: [$o]) { id } }",
    "order": "query Q($o: ID!) { order(id: $o) { number } }",
    "orders": "{ orders { totalCount } }",
    "companies": "{ companies { totalCount } }",
    "clients": "{ clients { totalCount } }",
    "agents": "{ agents { totalCount } }",
    "products": "{ products { totalCount } }",
    "seasons": "{ seasons { totalCount } }",
    "paymentMethods": "{ paymentMethods { totalCount } }",
}


def _variables(document: str, world: World) -> dict[str, Any] | None:
    return {"o": world.ids["Order"]} if "$o" in document else None


def declared_scopes(root: type) -> dict[str, list[str]]:
    """Root field (GraphQL name) -> the scopes its permission classes demand."""
    return {
        schema.config.name_converter.get_graphql_name(field): [
            permission.scope
            for permission in field.permission_classes
            if issubclass(permission, ScopePermission)
        ]
        for field in get_object_definition(root, strict=True).fields
    }


def test_every_root_field_demands_one_scope_and_these_the_issues():
    queries, mutations = declared_scopes(Query), declared_scopes(Mutation)
    unguarded = [name for name, scopes in (queries | mutations).items() if len(scopes) != 1]
    assert unguarded == []
    assert {name: queries[name] for name in QUERIES} == {q: ["order.read"] for q in QUERIES}
    assert {case.name: mutations[case.name] for case in CASES} == {
        case.name: [case.scope] for case in CASES
    }


@pytest.mark.parametrize("field", QUERIES)
async def test_every_query_field_needs_order_read(gql, world, field):
    principal = world.principal(*(set(SCOPES) - {"order.read", "admin"}))
    document = QUERIES[field]
    result = await gql.as_principal(principal, document, _variables(document, world))
    [error] = result.errors
    assert error.extensions == {"code": "FORBIDDEN"}
    assert error.message == "this API key lacks the order.read scope"
    assert error.path == [field]


@pytest.mark.parametrize("scope", ["order.read", "admin"])
async def test_order_read_or_admin_answers_every_query_field(gql, world, scope):
    for document in QUERIES.values():
        result = await gql.as_principal(
            world.principal(scope), document, _variables(document, world)
        )
        assert result.errors is None, (document, result.errors)


@BY_CASE
async def test_a_mutation_without_its_scope_is_forbidden_and_writes_nothing(
    gql, world, db_session, case
):
    others = set(SCOPES) - {case.scope, "admin"}
    before = await fingerprint(db_session)
    result = await gql.as_principal(
        world.principal(*others), mutation(case.name), {"input": case.input(world)}
    )
    assert result.data is None
    [error] = result.errors
    assert (error.message, error.extensions, error.path) == (
        f"this API key lacks the {case.scope} scope",
        {"code": "FORBIDDEN"},
        [case.name],
    )
    assert await fingerprint(db_session) == before


@BY_CASE
@pytest.mark.parametrize("holder", ["own-scope", "admin"])
async def test_its_scope_alone_or_admin_lets_the_mutation_run(gql, world, db_session, case, holder):
    """The control for the test above: the same input, with the scope (or admin), does run."""
    scope = case.scope if holder == "own-scope" else "admin"
    before = await fingerprint(db_session)
    result = await gql.as_principal(
        world.principal(scope), mutation(case.name), {"input": case.input(world)}
    )
    assert result.errors is None, result.errors
    if case.valid:
        assert result.data[case.name]["errors"] == []
        assert await fingerprint(db_session) != before


async def test_the_key_scopes_reach_the_api_over_http(client_for, sessions):
    code = unique("FORBID")
    async with client_for(scopes=["order.read", "order.write", "order.bulkwrite"]) as client:
        response = await post(
            client,
            mutation("createCompany"),
            {"input": {"code": code, "name": "Nope"}},
        )
        allowed = await post(client, "{ companies { totalCount } }")
    body = response.json()
    assert body["data"] is None
    assert codes_of(body) == ["FORBIDDEN"]
    assert allowed.status_code == 200
    assert "errors" not in allowed.json()
    async with sessions() as session:
        found = await session.scalar(sa.select(models.Company).where(models.Company.code == code))
    assert found is None
