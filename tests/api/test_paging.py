"""Keyset paging of orders: every ordering, walks both ways, stable cursors, refused arguments.

Rows are told apart by `series` (o1, o2...), created in that order so their ids increase; ties on
the sort key are broken by id, ascending for the _ASC orderings and descending for the _DESC ones.
"""

import base64
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from app.domain.vocabulary import OrderStatus

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)

PAGE = """
query Page($orderBy: OrderSort!, $first: Int, $after: String, $last: Int, $before: String) {
  orders(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { series } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""

# series: (company, number, ordered_at minutes, updated_at minutes, total)
TIED = {
    "o1": (0, "N-3", 2, 5, "30.00"),
    "o2": (0, "N-1", 1, 1, "10.00"),
    "o3": (1, "N-3", 2, 3, "10.00"),
    "o4": (0, "N-2", 0, 5, "99.99"),
    "o5": (1, "N-1", 3, 1, "30.00"),
}

EXPECTED = {
    "ORDERED_AT_ASC": ["o4", "o2", "o1", "o3", "o5"],
    "ORDERED_AT_DESC": ["o5", "o3", "o1", "o2", "o4"],
    "UPDATED_AT_ASC": ["o2", "o5", "o3", "o1", "o4"],
    "UPDATED_AT_DESC": ["o4", "o1", "o3", "o5", "o2"],
    "NUMBER_ASC": ["o2", "o5", "o4", "o1", "o3"],
    "NUMBER_DESC": ["o3", "o1", "o4", "o5", "o2"],
    "TOTAL_ASC": ["o2", "o3", "o1", "o5", "o4"],
    "TOTAL_DESC": ["o4", "o5", "o1", "o3", "o2"],
}


async def tied_orders(factory):
    """Five orders in two companies with ties on every sort key (see TIED)."""
    companies = [await factory.company() for _ in range(2)]
    clients = [await factory.client(company) for company in companies]
    for series, (c, number, ordered, updated, total) in TIED.items():
        await factory.order(
            companies[c],
            clients[c],
            series=series,
            number=number,
            ordered_at=T0 + timedelta(minutes=ordered),
            updated_at=T0 + timedelta(minutes=updated),
            total_amount=Decimal(total),
        )


async def page(gql, order_by="ORDERED_AT_DESC", **arguments):
    result = await gql(PAGE, {"orderBy": order_by, **arguments})
    assert result.errors is None, result.errors
    return result.data["orders"]


def series(connection):
    return [edge["node"]["series"] for edge in connection["edges"]]


def info(connection):
    """(hasPreviousPage, hasNextPage), after checking the start and end cursors."""
    edges, page_info = connection["edges"], connection["pageInfo"]
    assert page_info["startCursor"] == edges[0]["cursor"]
    assert page_info["endCursor"] == edges[-1]["cursor"]
    return page_info["hasPreviousPage"], page_info["hasNextPage"]


def assert_refused(result, argument):
    """No data, one error naming `argument` (in its message and its extensions), and nothing of
    SQL or Python in the message."""
    assert result.data is None
    [error] = result.errors
    assert argument in error.message
    assert error.extensions == {"code": "INVALID", "argument": argument}
    for leak in ("SELECT", "sqlalchemy", "asyncpg", "Traceback", "Error"):
        assert leak not in error.message


@pytest.mark.parametrize("order_by", EXPECTED)
async def test_order_by_sorts_on_its_key_with_id_breaking_ties(gql, factory, order_by):
    await tied_orders(factory)

    assert series(await page(gql, order_by)) == EXPECTED[order_by]


@pytest.mark.parametrize("order_by", EXPECTED)
async def test_walking_forward_visits_every_order_once(gql, factory, order_by):
    await tied_orders(factory)

    first = await page(gql, order_by, first=2)
    second = await page(gql, order_by, first=2, after=first["pageInfo"]["endCursor"])
    third = await page(gql, order_by, first=2, after=second["pageInfo"]["endCursor"])

    assert series(first) + series(second) + series(third) == EXPECTED[order_by]
    assert [info(first), info(second), info(third)] == [
        (False, True),
        (True, True),
        (True, False),
    ]


@pytest.mark.parametrize("order_by", EXPECTED)
async def test_walking_backward_visits_every_order_once(gql, factory, order_by):
    await tied_orders(factory)

    last = await page(gql, order_by, last=2)
    middle = await page(gql, order_by, last=2, before=last["pageInfo"]["startCursor"])
    start = await page(gql, order_by, last=2, before=middle["pageInfo"]["startCursor"])

    assert series(start) + series(middle) + series(last) == EXPECTED[order_by]
    assert [info(last), info(middle), info(start)] == [
        (True, False),
        (True, True),
        (False, True),
    ]


async def test_a_page_that_holds_every_row_has_no_next_or_previous_page(gql, factory):
    await tied_orders(factory)

    whole = await page(gql, first=5)

    assert info(whole) == (False, False)
    assert whole["totalCount"] == 5


async def test_default_page_size_is_20_and_total_count_counts_every_matching_row(gql, factory):
    company = await factory.company()
    client = await factory.client(company)
    for _ in range(25):
        await factory.order(company, client, status=OrderStatus.PENDING)
    for _ in range(3):
        await factory.order(company, client, status=OrderStatus.CANCELLED)

    result = await gql(
        "{ orders(filter: {status: [PENDING]}) { edges { cursor } pageInfo { hasNextPage } "
        "totalCount } }"
    )

    assert result.errors is None
    orders = result.data["orders"]
    assert (len(orders["edges"]), orders["pageInfo"]["hasNextPage"]) == (20, True)
    assert orders["totalCount"] == 25


async def test_first_100_is_accepted(gql, factory):
    await tied_orders(factory)

    assert len(series(await page(gql, first=100))) == 5


async def test_a_cursor_stays_valid_while_orders_arrive_on_both_sides(gql, factory):
    company = await factory.company()
    client = await factory.client(company)

    async def order_at(name, minutes):
        await factory.order(
            company, client, series=name, ordered_at=T0 + timedelta(minutes=minutes)
        )

    for n in range(1, 7):  # newest first: o6 .. o1
        await order_at(f"o{n}", n * 10)
    first = await page(gql, first=3)
    await order_at("newest", 100)  # sorts before the cursor
    await order_at("between", 35)  # sorts after the cursor, among the rows not yet seen
    await order_at("oldest", 0)

    rest = await page(gql, first=10, after=first["pageInfo"]["endCursor"])

    assert series(first) == ["o6", "o5", "o4"]
    assert series(rest) == ["between", "o3", "o2", "o1", "oldest"]


def forged(*payload):
    """A cursor in the list's own format carrying values a client chose."""
    raw = json.dumps(list(payload)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"after": "garbage"}, "after"),
        ({"before": "garbage"}, "before"),
        ({"after": to_base64("Order", 1)}, "after"),
        ({"first": 101}, "first"),
        ({"last": 101}, "last"),
        ({"first": -1}, "first"),
        ({"last": -1}, "last"),
        ({"first": 2, "last": 2}, "first"),
        ({"after": forged("orders.ordered_at-", "yesterday", 1)}, "after"),
        ({"after": forged("orders.ordered_at-", "2025-03-01T10:00:00", 1)}, "after"),
        ({"after": forged("orders.ordered_at-", "0001-01-01T00:00:00+14:00", 1)}, "after"),
        ({"after": forged("orders.ordered_at-", "2025-03-01T10:00:00+00:00", 2**70)}, "after"),
        ({"after": forged("orders.ordered_at-", "2025-03-01T10:00:00+00:00", True)}, "after"),
        ({"after": forged("orders.ordered_at-", None, 1)}, "after"),
    ],
    ids=[
        "garbage-after",
        "garbage-before",
        "global-id-as-cursor",
        "first-over-max",
        "last-over-max",
        "negative-first",
        "negative-last",
        "first-and-last",
        "forged-not-a-timestamp",
        "forged-naive-timestamp",
        "forged-timestamp-out-of-range",
        "forged-id-out-of-range",
        "forged-id-not-an-integer",
        "forged-null-value",
    ],
)
async def test_bad_paging_arguments_are_refused_naming_the_argument(
    gql, factory, arguments, argument
):
    await tied_orders(factory)

    assert_refused(await gql(PAGE, {"orderBy": "ORDERED_AT_DESC", **arguments}), argument)


@pytest.mark.parametrize(
    ("made_by", "used_by"),
    [
        ("NUMBER_ASC", "TOTAL_DESC"),
        ("NUMBER_ASC", "NUMBER_DESC"),  # same sort key and value type, other direction
        ("ORDERED_AT_ASC", "UPDATED_AT_DESC"),  # same value type, other key
    ],
)
async def test_a_cursor_of_another_ordering_is_refused(gql, factory, made_by, used_by):
    await tied_orders(factory)
    cursor = (await page(gql, made_by, first=1))["pageInfo"]["endCursor"]

    result = await gql(PAGE, {"orderBy": used_by, "first": 2, "after": cursor})

    assert_refused(result, "after")


@pytest.mark.parametrize("used_by", ["ORDERED_AT_DESC", "NUMBER_ASC"])
async def test_a_cursor_of_the_clients_list_is_refused_on_orders(gql, factory, used_by):
    await tied_orders(factory)
    cursor = (await gql("{ clients { edges { cursor } } }")).data["clients"]["edges"][0]["cursor"]

    result = await gql(PAGE, {"orderBy": used_by, "first": 2, "after": cursor})

    assert_refused(result, "after")


async def test_a_cursor_of_a_client_orders_page_is_refused_on_orders(gql, factory):
    await tied_orders(factory)
    client = (await gql("{ clients { nodes { id } } }")).data["clients"]["nodes"][0]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on Client { orders { edges { cursor } } } } }"
    nested = (await gql(query, {"id": client})).data["node"]["orders"]["edges"][0]["cursor"]

    result = await gql(PAGE, {"orderBy": "ORDERED_AT_DESC", "first": 2, "after": nested})

    assert_refused(result, "after")


CLIENT_ORDERS = """
query ClientOrders($a: ID!, $afterA: String, $b: ID!, $afterB: String) {
  a: node(id: $a) { ... on Client { orders(first: 2, after: $afterA) { ...Page } } }
  b: node(id: $b) { ... on Client { orders(first: 2, after: $afterB) { ...Page } } }
}
fragment Page on OrderConnection {
  edges { cursor node { number } }
  pageInfo { hasNextPage endCursor }
  totalCount
}
"""


async def test_client_orders_pages_each_client_newest_first(gql, factory):
    company = await factory.company()
    ana, beto = await factory.client(company), await factory.client(company)
    for client, name, count in [(ana, "A", 3), (beto, "B", 4)]:
        for n in range(1, count + 1):
            await factory.order(
                company, client, number=f"{name}-{n}", ordered_at=T0 + timedelta(days=n)
            )
    ids = {"a": to_base64("Client", ana.id), "b": to_base64("Client", beto.id)}

    first = await gql(CLIENT_ORDERS, ids)
    assert first.errors is None, first.errors
    a, b = first.data["a"]["orders"], first.data["b"]["orders"]
    after = {"afterA": a["pageInfo"]["endCursor"], "afterB": b["pageInfo"]["endCursor"]}
    second = await gql(CLIENT_ORDERS, ids | after)
    assert second.errors is None, second.errors
    a2, b2 = second.data["a"]["orders"], second.data["b"]["orders"]

    numbers = [[e["node"]["number"] for e in c["edges"]] for c in (a, a2, b, b2)]
    assert numbers == [["A-3", "A-2"], ["A-1"], ["B-4", "B-3"], ["B-2", "B-1"]]
    assert [c["pageInfo"]["hasNextPage"] for c in (a, a2, b, b2)] == [True, False, True, False]
    assert [c["totalCount"] for c in (a, a2, b, b2)] == [3, 3, 4, 4]


async def test_order_events_are_listed_in_time_order_with_a_total_count(gql, factory):
    company = await factory.company()
    client = await factory.client(company)
    order = await factory.order(company, client)
    other = await factory.order(company, client)
    for kind, minutes in [("SHIPPED", 20), ("CREATED", 0), ("CONFIRMED", 10), ("DELIVERED", 30)]:
        await factory.event(order, kind=kind, occurred_at=T0 + timedelta(minutes=minutes))
    await factory.event(other, kind="CANCELLED", occurred_at=T0 + timedelta(minutes=5))
    query = """
    query Events($id: ID!, $after: String) {
      order(id: $id) {
        events(first: 3, after: $after) {
          nodes { kind } pageInfo { hasNextPage endCursor } totalCount
        }
      }
    }
    """
    order_id = to_base64("Order", order.id)

    first = (await gql(query, {"id": order_id})).data["order"]["events"]
    after = first["pageInfo"]["endCursor"]
    second = (await gql(query, {"id": order_id, "after": after})).data["order"]["events"]

    assert [e["kind"] for e in first["nodes"] + second["nodes"]] == [
        "CREATED",
        "CONFIRMED",
        "SHIPPED",
        "DELIVERED",
    ]
    assert [first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]] == [True, False]
    assert [first["totalCount"], second["totalCount"]] == [4, 4]
