"""orders(filter:) one filter at a time, then combined; order(id | number); node and nodes."""

from datetime import UTC, datetime, timedelta

import pytest
from strawberry.relay import to_base64

from app.domain.vocabulary import OrderStatus, OrderType

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
MISSING_ID = 2**31 - 1

ORDERS = """
query Orders($filter: OrderFilter) {
  orders(filter: $filter, first: 100) { nodes { number } }
}
"""

ORDER = """
query One($id: ID, $number: String, $companyId: ID) {
  order(id: $id, number: $number, companyId: $companyId) { number company { code } }
}
"""


async def numbers(gql, **order_filter):
    """Numbers of the orders matching `order_filter`, sorted here (duplicates would show)."""
    result = await gql(ORDERS, {"filter": order_filter})
    assert result.errors is None, result.errors
    return sorted(node["number"] for node in result.data["orders"]["nodes"])


async def refused(gql, **order_filter):
    """The single error message of a refused orders(filter:) query, which returned no data."""
    result = await gql(ORDERS, {"filter": order_filter})
    assert result.data is None
    [error] = result.errors
    return error.message


async def seller(factory, **client_fields):
    """A company and one of its clients."""
    company = await factory.company()
    return company, await factory.client(company, **client_fields)


async def test_status_keeps_orders_in_any_of_the_listed_statuses(gql, factory):
    company, client = await seller(factory)
    for number, status in [
        ("N-1", OrderStatus.PENDING),
        ("N-2", OrderStatus.CONFIRMED),
        ("N-3", OrderStatus.SHIPPED),
        ("N-4", OrderStatus.CANCELLED),
        ("N-5", OrderStatus.DELIVERED),
    ]:
        await factory.order(company, client, number=number, status=status)

    assert await numbers(gql, status=["CONFIRMED", "CANCELLED", "DELIVERED"]) == [
        "N-2",
        "N-4",
        "N-5",
    ]


async def test_type_keeps_orders_of_that_type(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1", type=OrderType.DOMESTIC)
    await factory.order(company, client, number="N-2", type=OrderType.INTERNATIONAL)
    await factory.order(company, client, number="N-3", type=OrderType.INTERNATIONAL)

    assert await numbers(gql, type="INTERNATIONAL") == ["N-2", "N-3"]


async def test_company_ids_keeps_orders_of_those_companies(gql, factory):
    companies = [await seller(factory) for _ in range(3)]
    for n, (company, client) in enumerate(companies, start=1):
        await factory.order(company, client, number=f"N-{n}")

    wanted = [to_base64("Company", companies[0][0].id), to_base64("Company", companies[2][0].id)]
    assert await numbers(gql, companyIds=wanted) == ["N-1", "N-3"]


async def test_client_ids_keeps_orders_of_those_clients(gql, factory):
    company = await factory.company()
    clients = [await factory.client(company) for _ in range(3)]
    for n, client in enumerate(clients, start=1):
        await factory.order(company, client, number=f"N-{n}")

    wanted = [to_base64("Client", clients[1].id), to_base64("Client", clients[2].id)]
    assert await numbers(gql, clientIds=wanted) == ["N-2", "N-3"]


async def test_agent_ids_keeps_orders_taken_by_those_agents(gql, factory):
    company, client = await seller(factory)
    agents = [await factory.agent(company) for _ in range(3)]
    for n, agent in enumerate(agents, start=1):
        await factory.order(company, client, number=f"N-{n}", agent_id=agent.id)
    await factory.order(company, client, number="N-4", agent_id=None)

    wanted = [to_base64("Agent", agents[0].id), to_base64("Agent", agents[1].id)]
    assert await numbers(gql, agentIds=wanted) == ["N-1", "N-2"]


async def test_season_ids_keeps_orders_of_those_seasons(gql, factory):
    company, client = await seller(factory)
    seasons = [await factory.season(company) for _ in range(3)]
    for n, season in enumerate(seasons, start=1):
        await factory.order(company, client, number=f"N-{n}", season_id=season.id)
    await factory.order(company, client, number="N-4", season_id=None)

    assert await numbers(gql, seasonIds=[to_base64("Season", seasons[2].id)]) == ["N-3"]


async def test_ordered_range_includes_its_start_and_excludes_its_end(gql, factory):
    company, client = await seller(factory)
    for number, ordered_at in [
        ("N-1", T0 - timedelta(microseconds=1)),
        ("N-2", T0),
        ("N-3", T0 + timedelta(hours=1)),
        ("N-4", T0 + timedelta(hours=2) - timedelta(microseconds=1)),
        ("N-5", T0 + timedelta(hours=2)),
    ]:
        await factory.order(company, client, number=number, ordered_at=ordered_at)

    in_range = await numbers(
        gql, orderedFrom="2025-03-01T10:00:00Z", orderedTo="2025-03-01T12:00:00Z"
    )
    assert in_range == ["N-2", "N-3", "N-4"]


async def test_ordered_range_honours_the_offset_of_the_given_instants(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1", ordered_at=T0 - timedelta(minutes=1))
    await factory.order(company, client, number="N-2", ordered_at=T0)
    await factory.order(company, client, number="N-3", ordered_at=T0 + timedelta(minutes=1))

    # 05:00 at UTC-5 is 10:00 UTC; 10:01 at UTC+0 is the end
    in_range = await numbers(
        gql, orderedFrom="2025-03-01T05:00:00-05:00", orderedTo="2025-03-01T11:01:00+01:00"
    )
    assert in_range == ["N-2"]


async def test_updated_since_keeps_orders_changed_at_or_after_the_instant(gql, factory):
    company, client = await seller(factory)
    for number, updated_at in [
        ("N-1", T0 - timedelta(seconds=1)),
        ("N-2", T0),
        ("N-3", T0 + timedelta(days=1)),
    ]:
        await factory.order(company, client, number=number, updated_at=updated_at)

    assert await numbers(gql, updatedSince="2025-03-01T10:00:00+00:00") == ["N-2", "N-3"]


async def test_search_finds_text_inside_the_number_ignoring_case(gql, factory):
    company, client = await seller(factory, name="Nobody")
    for number in ["WEB-100", "web-200", "POS-300", "XWEBX-400"]:
        await factory.order(company, client, number=number)

    assert await numbers(gql, search="wEb") == ["WEB-100", "XWEBX-400", "web-200"]


async def test_search_finds_text_inside_the_client_name_ignoring_case(gql, factory):
    company = await factory.company()
    for number, name in [
        ("N-1", "Bodega Lucía"),
        ("N-2", "Ferretería Central"),
        ("N-3", "MINI BODEGA"),
    ]:
        await factory.order(company, await factory.client(company, name=name), number=number)

    assert await numbers(gql, search="bodega") == ["N-1", "N-3"]


async def test_search_ignores_the_case_of_accented_letters(gql, factory):
    company = await factory.company()
    for number, name in [("N-1", "Bodega Lucía"), ("N-2", "Bodega Lucia"), ("N-3", "ÑAÑA SAC")]:
        await factory.order(company, await factory.client(company, name=name), number=number)

    assert await numbers(gql, search="LUCÍA") == ["N-1"]
    assert await numbers(gql, search="ñaña") == ["N-3"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [("50%", ["50%-1"]), ("A_B", ["A_B-1"]), ("\\", ["C\\D-1"])],
    ids=["percent", "underscore", "backslash"],
)
async def test_search_treats_wildcard_characters_literally(gql, factory, search, expected):
    company, client = await seller(factory, name="Nobody")
    for number in ["50%-1", "500-1", "A_B-1", "AXB-1", "C\\D-1"]:
        await factory.order(company, client, number=number)

    assert await numbers(gql, search=search) == expected


async def test_filters_combine_so_that_every_one_must_match(gql, factory):
    company = await factory.company()
    wanted, other = await factory.client(company), await factory.client(company)
    matching = {"status": OrderStatus.CONFIRMED, "type": OrderType.INTERNATIONAL, "ordered_at": T0}
    await factory.order(company, wanted, number="N-1", **matching)
    await factory.order(company, other, number="N-2", **matching)
    await factory.order(
        company, wanted, number="N-3", **(matching | {"status": OrderStatus.PENDING})
    )
    await factory.order(company, wanted, number="N-4", **(matching | {"type": OrderType.DOMESTIC}))
    late = T0 + timedelta(days=1)
    await factory.order(company, wanted, number="N-5", **(matching | {"ordered_at": late}))
    await factory.order(company, wanted, number="N-6", **matching)

    found = await numbers(
        gql,
        status=["CONFIRMED", "SHIPPED"],
        type="INTERNATIONAL",
        clientIds=[to_base64("Client", wanted.id)],
        orderedFrom="2025-03-01T00:00:00Z",
        orderedTo="2025-03-02T00:00:00Z",
        search="N-",
    )
    assert found == ["N-1", "N-6"]


@pytest.mark.parametrize("argument", ["orderedFrom", "orderedTo", "updatedSince"])
async def test_a_datetime_without_timezone_is_refused_naming_the_argument(gql, argument):
    message = await refused(gql, **{argument: "2025-03-01T10:00:00"})

    assert f"filter.{argument}" in message
    assert "timezone" in message


async def test_an_id_of_another_type_in_client_ids_is_refused_naming_the_argument(gql, factory):
    company, client = await seller(factory)
    product = await factory.product(company)
    await factory.order(company, client, number="N-1")

    message = await refused(gql, clientIds=[to_base64("Product", product.id)])

    assert "filter.clientIds" in message
    assert "Product" in message


async def test_an_unknown_status_is_a_validation_error(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")

    result = await gql("{ orders(filter: {status: [PENDING, SHIPPING]}) { totalCount } }")

    assert result.data is None
    [error] = result.errors
    assert "SHIPPING" in error.message
    assert "OrderStatus" in error.message


@pytest.mark.parametrize(
    ("order_filter", "bad_value"),
    [
        ({"status": ["PENDING", "SHIPPING"]}, "SHIPPING"),
        ({"orderedFrom": "yesterday"}, "yesterday"),
    ],
    ids=["unknown-status", "not-a-datetime"],
)
async def test_a_bad_value_in_filter_variables_is_refused_naming_the_value(
    gql, factory, order_filter, bad_value
):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")

    message = await refused(gql, **order_filter)

    assert bad_value in message
    assert "filter" in message


async def test_order_by_id(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")
    wanted = await factory.order(company, client, number="N-2")

    result = await gql(ORDER, {"id": to_base64("Order", wanted.id)})

    assert result.errors is None
    assert result.data["order"]["number"] == "N-2"


async def test_order_by_number(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")
    await factory.order(company, client, number="N-2")

    result = await gql(ORDER, {"number": "N-2"})

    assert result.errors is None
    assert result.data["order"] == {"number": "N-2", "company": {"code": company.code}}


async def test_order_by_number_and_company_when_two_companies_use_the_number(gql, factory):
    (first, first_client), (second, second_client) = [await seller(factory) for _ in range(2)]
    await factory.order(first, first_client, number="N-1")
    await factory.order(second, second_client, number="N-1")

    result = await gql(ORDER, {"number": "N-1", "companyId": to_base64("Company", second.id)})

    assert result.errors is None
    assert result.data["order"] == {"number": "N-1", "company": {"code": second.code}}


async def test_order_by_number_used_by_two_companies_asks_for_the_company(gql, factory):
    for company, client in [await seller(factory) for _ in range(2)]:
        await factory.order(company, client, number="N-1")

    result = await gql(ORDER, {"number": "N-1"})

    assert result.data == {"order": None}
    [error] = result.errors
    assert error.message.startswith("number:")
    assert "companyId" in error.message


@pytest.mark.parametrize(
    "arguments",
    [{"id": to_base64("Order", MISSING_ID)}, {"number": "NO-SUCH-NUMBER"}],
    ids=["id", "number"],
)
async def test_order_that_does_not_exist_is_null(gql, factory, arguments):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")

    result = await gql(ORDER, arguments)

    assert result.errors is None
    assert result.data == {"order": None}


NODE = """
query Node($id: ID!) {
  node(id: $id) { __typename id ... on Order { number } ... on Client { name } }
}
"""


async def test_node_resolves_an_order_id(gql, factory):
    company, client = await seller(factory)
    order = await factory.order(company, client, number="N-7")
    order_id = to_base64("Order", order.id)

    result = await gql(NODE, {"id": order_id})

    assert result.errors is None
    assert result.data["node"] == {"__typename": "Order", "id": order_id, "number": "N-7"}


async def test_node_resolves_a_client_id(gql, factory):
    _, client = await seller(factory, name="Bodega Lucía")
    client_id = to_base64("Client", client.id)

    result = await gql(NODE, {"id": client_id})

    assert result.errors is None
    assert result.data["node"] == {"__typename": "Client", "id": client_id, "name": "Bodega Lucía"}


@pytest.mark.parametrize(
    ("type_name", "role"), [("Client", "agent"), ("Agent", "client")], ids=["client", "agent"]
)
async def test_node_of_a_partner_without_the_role_of_the_id_type_is_null(
    gql, factory, type_name, role
):
    company = await factory.company()
    partner = await getattr(factory, role)(company)

    result = await gql(NODE, {"id": to_base64(type_name, partner.id)})

    assert result.errors is None
    assert result.data == {"node": None}


@pytest.mark.parametrize("type_name", ["Order", "Client"])
async def test_node_of_an_id_that_does_not_exist_is_null(gql, factory, type_name):
    await seller(factory)

    result = await gql(NODE, {"id": to_base64(type_name, MISSING_ID)})

    assert result.errors is None
    assert result.data == {"node": None}


async def test_nodes_resolves_each_id_in_the_order_given_with_null_for_a_missing_one(gql, factory):
    company, client = await seller(factory, name="Bodega Lucía")
    first = await factory.order(company, client, number="N-1")
    second = await factory.order(company, client, number="N-2")
    ids = [
        to_base64("Order", second.id),
        to_base64("Client", client.id),
        to_base64("Order", MISSING_ID),
        to_base64("Order", first.id),
    ]

    result = await gql(
        """
        query Nodes($ids: [ID!]!) {
          nodes(ids: $ids) { __typename ... on Order { number } ... on Client { name } }
        }
        """,
        {"ids": ids},
    )

    assert result.errors is None
    assert result.data["nodes"] == [
        {"__typename": "Order", "number": "N-2"},
        {"__typename": "Client", "name": "Bodega Lucía"},
        None,
        {"__typename": "Order", "number": "N-1"},
    ]


BAD_TEXTS = pytest.mark.parametrize(
    ("text", "says"), [("a\x00b", "NUL"), ("a\ud800b", "surrogate")], ids=["nul", "surrogate"]
)


@BAD_TEXTS
async def test_a_search_postgresql_cannot_compare_is_refused_naming_it(gql, text, says):
    result = await gql(ORDERS, {"filter": {"search": text}})

    assert result.data is None
    [error] = result.errors
    assert error.message.startswith("filter.search: ")
    assert says in error.message
    assert error.extensions == {"code": "INVALID", "argument": "filter.search"}


@BAD_TEXTS
async def test_a_number_postgresql_cannot_compare_is_refused_naming_it(gql, text, says):
    result = await gql(ORDER, {"number": text})

    [error] = result.errors
    assert error.message.startswith("number: ")
    assert says in error.message
    assert error.extensions == {"code": "INVALID", "argument": "number"}


@pytest.mark.parametrize("argument", ["orderedFrom", "orderedTo", "updatedSince"])
@pytest.mark.parametrize(
    "instant",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+05:00", "1900-06-01T00:00:00Z"],
)
async def test_an_instant_outside_the_stored_range_is_refused_naming_the_argument(
    gql, argument, instant
):
    result = await gql(ORDERS, {"filter": {argument: instant}})

    assert result.data is None
    [error] = result.errors
    assert error.message == (
        f"filter.{argument}: must be an instant from 1901-01-01 to 8999-12-31 (UTC)"
    )
    assert error.extensions == {"code": "INVALID", "argument": f"filter.{argument}"}


async def test_instants_at_the_edges_of_the_range_are_accepted(gql, factory):
    company, client = await seller(factory)
    await factory.order(company, client, number="N-1")

    found = await numbers(gql, orderedFrom="1901-01-01T00:00:00Z", orderedTo="8999-12-31T23:59:59Z")

    assert found == ["N-1"]


@BAD_TEXTS
@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        ("query($a: String) { orders(after: $a) { totalCount } }", "a", "after"),
        (
            "query($c: ID!) { orders(filter: {companyIds: [$c]}) { totalCount } }",
            "c",
            "filter.companyIds.0",
        ),
        ("query($s: String) { clients(search: $s) { totalCount } }", "s", "search"),
    ],
)
async def test_every_query_argument_is_checked_before_sql(
    gql, text, says, query, variables, argument
):
    result = await gql(query, {variables: text})

    [error] = result.errors
    assert error.message.startswith(f"{argument}: ")
    assert says in error.message
    assert error.extensions == {"code": "INVALID", "argument": argument}
