"""The compiled read path answers exactly what the reference path answers, in one statement."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from app.auth import Principal
from app.domain.vocabulary import CancellationReason, OrderStatus, OrderType
from db import models
from tests.conftest import GraphQLClient

EVERY_FIELD = """
query Every($status: [OrderStatus!], $skipAgent: Boolean = false) {
  orders(first: 30, filter: {status: $status}, orderBy: UPDATED_AT_DESC) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { __typename cursor node {
      __typename id number series externalId source description type destination status
      observations orderedAt estimatedDeliveryOn confirmedAt shippedAt deliveredAt cancelledAt
      cancellationReason cancellationNote currency taxRate grossAmount discountAmount
      taxableBase taxAmount shippingAmount totalAmount totalQuantity deliveredQuantity
      returnedQuantity pendingQuantity createdBy updatedBy createdAt updatedAt version } }
    nodes {
      id
      company { id code externalId name taxId taxRate currency createdAt updatedAt __typename }
      client {
        id code externalId roles taxId name email phone active createdAt updatedAt storeCode
        routeCode company { code }
        addresses {
          id externalId label addressLine city region zipCode country isShipping isBilling
        }
      }
      agent @skip(if: $skipAgent) { id code roles name company { id } }
      season { id code externalId description startsOn endsOn company { name } }
      paymentMethod { id code name }
      shippingAddress { id addressLine isShipping }
      billingAddress { id isBilling }
      discounts { sequence typeCode typeName rate amount externalId __typename }
      deliveries {
        id deliveredOn complete note recordedAt __typename
        items { units quantity product { code } }
      }
      returns { id returnedOn note recordedAt items { quantity product { name } } }
      lines {
        id position externalId units quantity unitPrice grossAmount discountAmount amount status
        deliveredQuantity returnedQuantity estimatedDeliveryOn observations pendingQuantity
        product {
          id code internalCode externalId name unitsPerPackage listPrice active createdAt
          updatedAt company { code }
        }
        discounts { sequence rate amount }
      }
    }
  }
}
"""

FRAGMENTS = """
query Fragments($first: Int, $withLines: Boolean!) {
  __typename
  cheapest: orders(first: $first, orderBy: TOTAL_ASC, filter: {type: INTERNATIONAL}) { ...Page }
  lastByNumber: orders(last: 4, orderBy: NUMBER_DESC) {
    pageInfo { hasNextPage hasPreviousPage startCursor }
    edges { at: cursor order: node { ... on Order { no: number } ...Summary } }
  }
  orders(first: 3) {
    nodes { id lines @include(if: $withLines) { id } }
    nodes { number lines { quantity } }
  }
}
fragment Page on OrderConnection { totalCount edges { node { ...Summary id } } }
fragment Summary on Order {
  id status client { ... on Client { name } ...Buyer } lines { product { name } }
}
fragment Buyer on Client { taxId alias: name }
"""

# (query, variables, statements the compiled path issues besides the test client's own)
COMPILED = {
    "every field": (EVERY_FIELD, {}, 2),
    "every field, filtered and skipping": (
        EVERY_FIELD,
        {"status": ["CANCELLED", "CONFIRMED"], "skipAgent": True},
        2,
    ),
    "aliases, fragments and directives": (FRAGMENTS, {"first": 4, "withLines": False}, 4),
    "edges aliased as nodes beside nodes aliased as node": (
        "{ orders(first: 2) { node: nodes { id } nodes: edges { node { number } } } }",
        {},
        1,
    ),
    "nested pages of events and of the client's orders": (
        """query Nested($events: Int) { orders(first: 12, orderBy: NUMBER_ASC) { nodes {
             number
             events(first: $events) {
               __typename totalCount
               pageInfo { hasNextPage hasPreviousPage __typename }
               edges {
                 __typename node { id kind statusBefore statusAfter actor occurredAt }
               }
               nodes { kind }
             }
             history: events { totalCount nodes { kind } }
             none: events(first: 0) { totalCount pageInfo { hasNextPage } nodes { id } }
             counted: events { totalCount }
             named: events(first: 1) { __typename pageInfo { __typename } }
             client { orders(first: 3) { totalCount nodes { number client { name } } } }
             buyer: client { quickOrderSuggestions { rank units quantity product { code } } }
           } } }""",
        {"events": 2},
        1,
    ),
    "every reference list": (
        """query Lists($search: String) {
             companies(first: 5) { totalCount nodes { id code name taxRate currency } }
             clients(first: 3, search: $search) {
               pageInfo { hasNextPage endCursor }
               edges { cursor node {
                 id code name roles taxId company { code } addresses { city }
                 orders(first: 2) { nodes { number } }
               } }
             }
             agents(last: 2) { nodes { name email } }
             products(first: 4) { nodes { code internalCode listPrice company { name } } }
             seasons { nodes { code startsOn company { code } } }
             paymentMethods(first: 2) { nodes { code name } }
           }""",
        {"search": "Partner"},
        7,
    ),
    "a backward page from a cursor": (
        "query { orders(last: 3, before: $cursor) { edges { cursor node { number } } } }",
        None,
        1,
    ),
    "a forward page by date": (
        """query { orders(first: 5, orderBy: ORDERED_AT_ASC, filter: {search: "PED"}) {
             pageInfo { hasNextPage endCursor } nodes { number orderedAt } } }""",
        {},
        1,
    ),
}


@pytest.fixture(autouse=True)
def _no_compiled_read_failures(caplog):
    """A bug on the compiled path falls back quietly for the client, but not for these tests."""
    yield
    failures = [r for r in caplog.records if r.name.startswith("resolvers.compiled")]
    assert [r.getMessage() for r in failures if r.levelname == "ERROR"] == []


@pytest.fixture
async def order_graph(factory):
    """Two companies' orders in every shape: with and without agent, season, discounts."""
    for c in range(2):
        company = await factory.company(external_id=f"ERP-{c}", tax_id="20100047218")
        agent = await factory.agent(company, email="rep@example.pe")
        season = await factory.season(company, external_id="T-1")
        method = await factory.payment_method(company)
        products = [await factory.product(company, internal_code=f"I{p}") for p in range(3)]
        client = await factory.client(company, tax_id="10456789012", store_code="S1")
        for rank, product in enumerate(reversed(products)):
            suggestion = models.QuickOrderSuggestion(
                client_id=client.id, product_id=product.id, rank=rank, quantity=rank + 2
            )
            factory.session.add(suggestion)
        shipping = await factory.address(client, is_billing=False, city="Lima")
        billing = await factory.address(client, is_shipping=False, zip_code="15001")
        for n in range(12):
            ordered_at = datetime(2026, 11, 1, 10, 0, tzinfo=UTC) + timedelta(
                hours=n, microseconds=(n % 3) * 120_000
            )
            linked = n % 2 == 0
            order = await factory.order(
                company,
                client,
                [(product, n % 4 + 1, Decimal("9.90")) for product in products[: n % 3 + 1]],
                line_discounts=[Decimal("0.05")] if n % 3 == 0 else [],
                header_discounts=[Decimal("0.10"), Decimal("0.02")] if linked else [],
                ordered_at=ordered_at,
                agent_id=agent.id if linked else None,
                season_id=season.id if n % 3 else None,
                payment_method_id=method.id if linked else None,
                shipping_address_id=shipping.id if linked else None,
                billing_address_id=billing.id if linked else None,
                type=OrderType.INTERNATIONAL if n % 4 == 0 else OrderType.DOMESTIC,
                status=[OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.CANCELLED][n % 3],
                cancellation_reason=CancellationReason.OUT_OF_STOCK if n % 3 == 2 else None,
                cancelled_at=ordered_at + timedelta(days=1) if n % 3 == 2 else None,
                observations='ñandú "quoted"\n\\ tab\t' if n == 0 else None,
            )
            if n % 3 == 1:
                await _delivered_and_returned(factory, order, products[0], n)
            for kind in ("CREATED", "CONFIRMED", "CANCELLED")[: n % 4]:
                details = {"reasonCode": "OUT_OF_STOCK", "items": [{"qty": n, "rate": 0.5}]}
                await factory.event(order, kind=kind, actor="key:1:erp", details=details)


async def _delivered_and_returned(factory, order, product, n):
    """Two deliveries (the second with a note) and a return of one of the first line's units."""
    session = factory.session
    line = await session.scalar(
        sa.select(models.OrderLine).where(models.OrderLine.order_id == order.id).limit(1)
    )
    for day, note in ((2, None), (3, "Puerta 2")):
        delivery = models.Delivery(
            order_id=order.id,
            delivered_on=date(2026, 11, day),
            complete=note is not None,
            note=note,
            recorded_at=datetime(2026, 11, day, 9, 30, n, 5000 * n, tzinfo=UTC),
        )
        session.add(delivery)
        await session.flush()
        item = models.DeliveryItem(
            delivery_id=delivery.id, order_line_id=line.id, product_id=product.id, units=1,
            quantity=1,
        )  # fmt: skip
        session.add(item)
    returned = models.Return(
        order_id=order.id, returned_on=date(2026, 11, 4), recorded_at=datetime.now(UTC)
    )
    session.add(returned)
    await session.flush()
    item = models.ReturnItem(
        return_id=returned.id, order_line_id=line.id, product_id=product.id, units=1, quantity=1
    )
    session.add(item)
    await session.commit()


def _client(db_session, settings, *, compiled: bool) -> GraphQLClient:
    return GraphQLClient(
        db_session, settings.model_copy(update={"compiled_reads_enabled": compiled})
    )


async def _both(db_session, settings, sql_statements, query, variables, principal=None):
    """Both paths' answers, and the statements the compiled one issued."""
    answers, issued = [], 0
    for compiled in (False, True):
        client = _client(db_session, settings, compiled=compiled)
        sql_statements.clear()
        if principal is None:
            answers.append(await client(query, variables))
        else:
            answers.append(await client.as_principal(principal, query, variables))
        issued = len(sql_statements)
    return answers[0], answers[1], issued


async def _a_cursor(db_session, settings) -> str:
    first = await _client(db_session, settings, compiled=False)(
        "{ orders(first: 6) { edges { cursor } } }"
    )
    return first.data["orders"]["edges"][5]["cursor"]


@pytest.mark.parametrize("case", COMPILED)
async def test_the_compiled_path_answers_as_the_reference_path_in_its_statements(
    db_session, settings, sql_statements, order_graph, case
):
    query, variables, statements = COMPILED[case]
    if variables is None:  # a query that needs a cursor of this data
        query = query.replace("$cursor", f'"{await _a_cursor(db_session, settings)}"')
    reference, compiled, issued = await _both(
        db_session, settings, sql_statements, query, variables
    )

    assert reference.errors is None, reference.errors
    assert compiled.errors is None, compiled.errors
    assert compiled.data == reference.data
    # the test client reads the caller's companies first; then the page (and totalCount)
    assert issued == 1 + statements


async def test_a_page_of_100_and_a_page_of_10_take_one_statement_each(
    db_session, settings, sql_statements, order_graph
):
    client = _client(db_session, settings, compiled=True)
    counts = []
    for first in (10, 24):
        sql_statements.clear()
        result = await client(EVERY_FIELD.replace("first: 30", f"first: {first}"), {})
        assert len(result.data["orders"]["edges"]) == first
        counts.append(len(sql_statements))

    assert counts == [3, 3]  # companies, the page, totalCount


@pytest.mark.parametrize(
    "selection",
    [
        "events(first: 2, after: $after) { edges { node { kind } } }",
        "events(first: 2) { edges { cursor node { kind } } }",
        "events { pageInfo { endCursor } }",
        "events(last: 1) { nodes { kind } }",
        "events { nodes { details } }",
        "client { quickOrderSuggestions { displayInGroup } }",
        "lines { product { stock } }",
    ],
)
async def test_what_the_graph_cannot_compile_goes_down_the_reference_path(
    db_session, settings, sql_statements, order_graph, selection
):
    declared, variables = (
        ("($after: String)", {"after": "bm90"}) if "$after" in selection else ("", {})
    )
    query = f"query{declared} {{ orders(first: 5) {{ nodes {{ number {selection} }} }} }}"
    reference, compiled, issued = await _both(
        db_session, settings, sql_statements, query, variables
    )

    assert compiled.data == reference.data
    assert compiled.errors == reference.errors
    # loaders ran, not the single compiled statement (or the reference path refused the input)
    assert issued > 2 or reference.errors


@pytest.mark.parametrize(
    "arguments",
    [
        "first: 101",
        "first: 2, last: 2",
        'after: "bm90IGEgY3Vyc29y"',
        'filter: {companyIds: ["T3JkZXI6MQ=="]}',
        'filter: {orderedFrom: "2026-01-01T00:00:00"}',
    ],
)
async def test_bad_arguments_get_the_reference_paths_errors(
    db_session, settings, sql_statements, order_graph, arguments
):
    query = f"{{ orders({arguments}) {{ nodes {{ number }} }} }}"
    reference, compiled, _ = await _both(db_session, settings, sql_statements, query, {})

    assert reference.errors
    assert [error.formatted for error in compiled.errors] == [
        error.formatted for error in reference.errors
    ]
    assert compiled.data == reference.data


async def test_a_key_sees_only_its_companies_orders(
    db_session, settings, sql_statements, order_graph, factory
):
    other = await factory.company()
    mine = await factory.company()
    # an order of mine whose client another company owns: the link answers null, as by id
    stranger = await factory.client(other)
    await factory.order(mine, stranger, [(await factory.product(mine), 1, Decimal("1.00"))])
    principal = Principal(
        key_id="mine", company_ids=frozenset({mine.id}), scopes=frozenset({"order.read"})
    )
    # and a client of mine with an order in another company: not shown under client.orders
    client = await factory.client(mine)
    await factory.order(mine, client, [(await factory.product(mine), 1, Decimal("1.00"))])
    await factory.order(other, client, [(await factory.product(other), 1, Decimal("1.00"))])
    query = """{ orders(first: 50, orderBy: NUMBER_ASC) { totalCount nodes {
        number company { code } client { name orders(first: 5) { totalCount nodes { number } } }
    } } }"""
    reference, compiled, _ = await _both(
        db_session, settings, sql_statements, query, {}, principal=principal
    )

    assert compiled.data == reference.data
    nodes = compiled.data["orders"]["nodes"]
    assert compiled.data["orders"]["totalCount"] == 2
    assert nodes[0]["client"] is None
    assert nodes[0]["company"]["code"] == mine.code
    assert nodes[1]["client"]["orders"] == {
        "totalCount": 1,
        "nodes": [{"number": nodes[1]["number"]}],
    }


async def test_every_tenant_runs_the_same_statement_text_with_its_companies_bound(
    db_session, settings, sql_statements, order_graph, factory
):
    """One text per selection: the database plans it once, a tenant's ids are never in it."""
    query = """{ orders(first: 5) { nodes { number client { name } lines { quantity } } } }"""
    texts, answers = [], []
    for company in (await factory.company(), await factory.company()):
        client = await factory.client(company)
        await factory.order(company, client, [(await factory.product(company), 1, Decimal("1"))])
        principal = Principal(
            key_id=company.code, company_ids=frozenset({company.id}), scopes=frozenset({"admin"})
        )
        sql_statements.clear()
        answer = await _client(db_session, settings, compiled=True).as_principal(principal, query)
        assert answer.errors is None
        [text] = [s for s in sql_statements if "json_build_object" in s]
        texts.append(text)
        answers.append([node["number"] for node in answer.data["orders"]["nodes"]])

    assert texts[0] == texts[1]  # with the ids inline, each scope's text differed
    assert len(answers[0]) == len(answers[1]) == 1
    assert answers[0] != answers[1]


async def test_a_key_without_order_read_is_refused_on_both_paths(
    db_session, settings, sql_statements, order_graph
):
    principal = Principal(key_id="w", company_ids=frozenset({1}), scopes=frozenset({"order.write"}))
    reference, compiled, _ = await _both(
        db_session, settings, sql_statements, "{ orders { nodes { id } } }", {}, principal
    )

    assert compiled.errors[0].extensions["code"] == "FORBIDDEN"
    assert [error.formatted for error in compiled.errors] == [
        error.formatted for error in reference.errors
    ]


async def test_deliveries_and_returns_come_with_their_items_in_order(
    db_session, settings, order_graph
):
    result = await _client(db_session, settings, compiled=True)(EVERY_FIELD, {})

    moved = [n for n in result.data["orders"]["nodes"] if n["deliveries"]]
    assert moved
    assert all([d["note"] for d in n["deliveries"]] == [None, "Puerta 2"] for n in moved)
    assert all(n["returns"][0]["items"][0]["quantity"] == 1 for n in moved)


async def _set(db_session, statement: str) -> None:
    """Data the API never writes, committed (a savepoint here) and out of the identity map."""
    await db_session.execute(sa.text(statement))
    await db_session.commit()
    db_session.expunge_all()


async def test_infinite_dates_read_as_python_reads_them(
    db_session, settings, sql_statements, order_graph
):
    await _set(
        db_session,
        "UPDATE orders SET ordered_at = '-infinity', estimated_delivery_on = 'infinity',"
        " confirmed_at = 'infinity' WHERE id = (SELECT max(id) FROM orders)",
    )
    query = """{ orders(first: 3, orderBy: NUMBER_DESC) {
        nodes { orderedAt estimatedDeliveryOn confirmedAt } } }"""
    reference, compiled, issued = await _both(db_session, settings, sql_statements, query, {})

    assert compiled.data == reference.data
    assert compiled.data["orders"]["nodes"][0] == {
        "orderedAt": "0001-01-01T00:00:00",
        "estimatedDeliveryOn": "9999-12-31",
        "confirmedAt": "9999-12-31T23:59:59.999999",
    }
    assert issued == 2


async def test_a_compiled_statement_that_fails_leaves_the_answer_to_the_reference_path(
    db_session, settings, sql_statements, order_graph
):
    await _set(db_session, "UPDATE seasons SET starts_on = '300000-01-01'")
    query = "{ orders(first: 4, orderBy: NUMBER_ASC) { nodes { number season { startsOn } } } }"
    lenient = settings.model_copy(update={"compiled_reads_strict": False})
    before = _fallbacks("database_error")
    reference, compiled, _ = await _both(db_session, lenient, sql_statements, query, {})

    assert _fallbacks("database_error") == before + 1  # counted, and logged as a warning
    assert reference.errors  # Python cannot hold the year 300000: that field fails alone
    assert compiled.data == reference.data
    assert [error.formatted for error in compiled.errors] == [
        error.formatted for error in reference.errors
    ]


def _fallbacks(reason: str) -> float:
    sample = REGISTRY.get_sample_value("orders_api_compiled_fallbacks_total", {"reason": reason})
    return sample or 0.0


ONE_ORDER = """
query One($id: ID, $number: String, $companyId: ID) {
  order(id: $id, number: $number, companyId: $companyId) {
    id number status totalAmount client { name } lines { quantity product { code } }
  }
}
"""


async def _order_ids(db_session, settings) -> list[tuple[str, str]]:
    first = await _client(db_session, settings, compiled=False)(
        "{ orders(first: 3) { nodes { id number } } }"
    )
    return [(node["id"], node["number"]) for node in first.data["orders"]["nodes"]]


async def test_one_order_by_id_or_number_takes_one_statement(
    db_session, settings, sql_statements, order_graph
):
    (order_id, number), *_ = await _order_ids(db_session, settings)

    for variables in ({"id": order_id}, {"number": number}, {"number": "NO-SUCH-ORDER"}):
        reference, compiled, issued = await _both(
            db_session, settings, sql_statements, ONE_ORDER, variables
        )

        assert compiled.errors is None
        assert compiled.data == reference.data
        assert issued == 2
    assert reference.data == {"order": None}


async def test_a_number_two_companies_use_gets_the_reference_paths_error(
    db_session, settings, sql_statements, order_graph, factory
):
    first, second = await factory.company(), await factory.company()
    for company in (first, second):
        client = await factory.client(company)
        await factory.order(company, client, number="SAME-1")

    reference, compiled, _ = await _both(
        db_session, settings, sql_statements, ONE_ORDER, {"number": "SAME-1"}
    )

    assert reference.errors
    assert [error.formatted for error in compiled.errors] == [
        error.formatted for error in reference.errors
    ]


async def test_a_repeated_order_read_reuses_its_built_statement(
    db_session, settings, sql_statements, order_graph
):
    """The statement is built once per selection; later reads only bind the id and companies."""
    from db.queries.orders import order_json_statement
    from graphql_schema.machinery.extensions import parsed

    (order_id, _), (other_id, _), *_ = await _order_ids(db_session, settings)
    client = _client(db_session, settings, compiled=True)
    query = "query One($id: ID) { order(id: $id) { number lines { quantity } } }"
    await client(query, {"id": order_id})
    built, parses = order_json_statement.cache_info(), parsed.cache_info()
    sql_statements.clear()
    again = await client(query, {"id": other_id})

    assert again.errors is None
    assert order_json_statement.cache_info().hits == built.hits + 1
    assert order_json_statement.cache_info().misses == built.misses
    assert parsed.cache_info().misses == parses.misses  # nor parsed again
    assert len([text for text in sql_statements if "FROM orders" in text]) == 1
