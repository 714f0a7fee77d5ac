"""The sync feed: orders(filter: {updatedSince}, orderBy: UPDATED_AT_ASC), paged by keyset.

An ERP pages through every order changed since a moment, keeps the last cursor, and comes back
for more. Each change must reach it exactly once, even while other clients write between its
pages. These tests commit for real: one transaction per call, as in production.
"""

from typing import Any

import pytest
import sqlalchemy as sa
from strawberry import relay

from app.auth import Principal
from app.context import build_context
from graphql_schema.orders.inputs import ConfirmOrderInput
from resolvers.orders.confirm_order import confirm
from tests.api.bulk_schema import Committed, committed
from tests.api.test_create_order import ERRORS, create_order_input, line_input, make_shop
from tests.factories import Factory

FEED = """
query Feed($since: DateTime!, $after: String) {
  orders(filter: {updatedSince: $since}, orderBy: UPDATED_AT_ASC, first: 3, after: $after) {
    edges { node { id version updatedAt } }
    pageInfo { endCursor hasNextPage }
  }
}
"""
CREATE = f"""
mutation M($input: CreateOrderInput!) {{ createOrder(input: $input) {{ order {{ id }} {ERRORS} }} }}
"""
CONFIRM = f"mutation M($input: ConfirmOrderInput!) {{ confirmOrder(input: $input) {{ {ERRORS} }} }}"
EVERY_ORDER = "{ orders(first: 100) { edges { node { id version } } } }"


async def data(database: Committed, document: str, variables: dict[str, Any] | None = None) -> Any:
    result = await database(document, variables)
    assert result.errors is None, result.errors
    return result.data


async def create(database: Committed, shop: Any, product: int = 0) -> str:
    lines = [line_input(shop.products[product], 2)]
    payload = await data(database, CREATE, {"input": create_order_input(shop, lines)})
    assert payload["createOrder"]["errors"] == []
    return payload["createOrder"]["order"]["id"]


async def confirm_order(database: Committed, order_id: str, on: str | None = None) -> None:
    """Confirms a PENDING order; on a CONFIRMED one, `on` moves the date (a change, version + 1)."""
    payload = await data(database, CONFIRM, {"input": {"id": order_id, "estimatedDeliveryOn": on}})
    assert payload["confirmOrder"]["errors"] == []


async def clock(database: Committed) -> str:
    async with database.sessions() as session:
        return (await session.scalar(sa.select(sa.func.clock_timestamp()))).isoformat()


class Feed:
    """An ERP's sync loop: pages after its last cursor, remembering every (id, version) seen."""

    def __init__(self, database: Committed, since: str) -> None:
        self.database, self.since = database, since
        self.cursor: str | None = None
        self.seen: list[tuple[str, int]] = []

    async def page(self) -> bool:
        """One page; whether the server says there is more."""
        variables = {"since": self.since, "after": self.cursor}
        orders = (await data(self.database, FEED, variables))["orders"]
        self.seen += [(e["node"]["id"], e["node"]["version"]) for e in orders["edges"]]
        self.cursor = orders["pageInfo"]["endCursor"] or self.cursor
        return orders["pageInfo"]["hasNextPage"]

    async def to_the_end(self) -> None:
        while await self.page():
            pass


async def latest_versions(database: Committed) -> set[tuple[str, int]]:
    edges = (await data(database, EVERY_ORDER))["orders"]["edges"]
    return {(e["node"]["id"], e["node"]["version"]) for e in edges}


@pytest.fixture
async def database(engine):
    async with committed(engine) as database:
        yield database


@pytest.fixture
async def shop(database):
    async with database.sessions() as session:
        return await make_shop(Factory(session))


async def test_writes_between_pages_reach_the_feed_once_each(database, shop):
    since = await clock(database)
    orders = [await create(database, shop) for _ in range(7)]
    feed = Feed(database, since)

    assert await feed.page()  # orders 0, 1 and 2
    await confirm_order(database, orders[1])  # seen: it comes again, at its new version
    await confirm_order(database, orders[5])  # not seen yet: it comes once, as version 2
    assert await feed.page()  # orders 3, 4 and 6
    orders.append(await create(database, shop))  # new while the feed pages
    await confirm_order(database, orders[1], on="2030-01-01")  # before the feed saw version 2
    await feed.to_the_end()

    assert len(feed.seen) == len(set(feed.seen)), "a change was delivered twice"
    assert await latest_versions(database) <= set(feed.seen), "a change was missed"
    # the feed delivers states: version 2 of order 1 was gone before the feed got to it
    assert [v for order_id, v in feed.seen if order_id == orders[1]] == [1, 3]
    assert [v for order_id, v in feed.seen if order_id == orders[5]] == [2]
    assert [order_id for order_id, _ in feed.seen[6:]] == [orders[5], orders[7], orders[1]]


async def test_nothing_changed_since_the_last_cursor_gives_an_empty_page(database, shop):
    since = await clock(database)
    await create(database, shop)
    feed = Feed(database, since)
    await feed.to_the_end()

    assert not await feed.page()
    assert len(feed.seen) == 1


async def test_a_change_committed_after_a_later_one_is_still_delivered(database, shop):
    # on two products, so the two confirms do not queue on one stock row
    slow, fast = await create(database, shop, 0), await create(database, shop, 1)
    since = await clock(database)
    feed = Feed(database, since)

    async with database.sessions() as session:  # a confirm that is slow to commit
        company_ids = frozenset({shop.company.id})
        principal = Principal(key_id="slow", company_ids=company_ids, scopes=frozenset({"admin"}))
        context = build_context(session, principal, database.settings, request_id="slow")
        order = await confirm(context, ConfirmOrderInput(id=relay.GlobalID.from_id(slow)))
        await session.flush()  # updatedAt is set now, by clock_timestamp()
        await confirm_order(database, fast)  # a later write, committed first
        await feed.to_the_end()  # the ERP reads `fast`; its cursor is now past `slow`'s time
        await session.commit()
        assert order.version == 2

    await feed.to_the_end()

    assert (slow, 2) in feed.seen, "the slow transaction's change never reached the feed"
