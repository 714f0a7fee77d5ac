"""Sync checkpoints: orderChanges(integration) after what the integration acknowledged.

Committed for real, one transaction per call, as in production (see test_sync_updated_since).
"""

from typing import Any

import pytest
from strawberry import relay

from app.auth import Principal
from app.context import build_context
from graphql_schema.orders.inputs import ConfirmOrderInput
from resolvers.orders.confirm_order import confirm
from tests.api.bulk_schema import Committed, committed
from tests.api.test_create_order import make_shop
from tests.api.test_sync_updated_since import confirm_order, create, data
from tests.factories import Factory

CHANGES = """
query Changes($integration: String!, $after: String) {
  orderChanges(integration: $integration, first: 2, after: $after) {
    edges { node { id version syncState { integration lastSentAt acknowledgedAt } } }
    pageInfo { endCursor hasNextPage }
  }
}
"""
ACK = """
mutation Ack($integration: String!, $upTo: String!) {
  acknowledgeOrderChanges(input: {integration: $integration, upTo: $upTo}) {
    checkpoint { integration upTo acknowledgedAt }
    errors { code field message }
  }
}
"""
LISTED = "{ orders(first: 10) { edges { node { id syncState { integration acknowledgedAt } } } } }"


class Integration:
    """An ERP's loop: read everything after its checkpoint, acknowledge it, remember it."""

    def __init__(self, database: Committed, name: str) -> None:
        self.database, self.name = database, name
        self.seen: list[tuple[str, int]] = []
        self.last: list[dict[str, Any]] = []

    async def sync(self) -> None:
        """Page to the end, then acknowledge the last cursor (the checkpoint moves once)."""
        after, cursor = None, None
        while True:
            variables = {"integration": self.name, "after": after}
            changes = (await data(self.database, CHANGES, variables))["orderChanges"]
            nodes = [edge["node"] for edge in changes["edges"]]
            self.last = nodes
            self.seen += [(node["id"], node["version"]) for node in nodes]
            cursor = changes["pageInfo"]["endCursor"] or cursor
            if not changes["pageInfo"]["hasNextPage"]:
                break
            after = cursor
        if cursor is not None:
            answer = await data(self.database, ACK, {"integration": self.name, "upTo": cursor})
            assert answer["acknowledgeOrderChanges"]["errors"] == []


@pytest.fixture
async def database(engine):
    async with committed(engine) as database:
        yield database


@pytest.fixture
async def shop(database):
    async with database.sessions() as session:
        return await make_shop(Factory(session))


async def test_a_second_integration_is_unaffected_by_the_first(database, shop):
    orders = [await create(database, shop) for _ in range(3)]
    erp, wms = Integration(database, "erp"), Integration(database, "wms")

    await erp.sync()
    assert sorted(order_id for order_id, _ in erp.seen) == sorted(orders)
    await erp.sync()
    assert len(erp.seen) == 3, "acknowledged changes came again"

    await confirm_order(database, orders[0])
    await wms.sync()  # wms never acknowledged anything: it gets every order, at its latest
    assert sorted(wms.seen) == sorted([(orders[0], 2), (orders[1], 1), (orders[2], 1)])
    await erp.sync()
    assert erp.seen[3:] == [(orders[0], 2)]  # erp gets only what changed after its checkpoint

    states = {s["integration"]: s for s in erp.last[0]["syncState"]}
    assert set(states) == {"erp", "wms"}
    assert states["erp"]["acknowledgedAt"] is None  # this page is read, not acknowledged yet
    assert states["wms"]["acknowledgedAt"] is not None
    await erp.sync()  # nothing new; the last cursor was acknowledged after the page was read
    changes = await data(database, CHANGES, {"integration": "erp", "after": None})
    assert changes["orderChanges"]["edges"] == []

    # orders { syncState } cannot be compiled to one statement: it falls back, and answers
    listed = await data(database, LISTED)
    node = next(e["node"] for e in listed["orders"]["edges"] if e["node"]["id"] == orders[0])
    assert sorted(s["integration"] for s in node["syncState"]) == ["erp", "wms"]
    assert all(s["acknowledgedAt"] for s in node["syncState"])


async def test_changes_committed_out_of_order_are_each_delivered_once(database, shop):
    slow, fast = await create(database, shop, 0), await create(database, shop, 1)
    erp = Integration(database, "erp")
    await erp.sync()

    async with database.sessions() as session:  # a confirm that is slow to commit
        principal = Principal(
            key_id="slow", company_ids=frozenset({shop.company.id}), scopes=frozenset({"admin"})
        )
        context = build_context(session, principal, database.settings, request_id="slow")
        await confirm(context, ConfirmOrderInput(id=relay.GlobalID.from_id(slow)))
        await session.flush()  # its updatedAt is taken now
        await confirm_order(database, fast)  # a later change, committed first
        await erp.sync()  # the checkpoint may now be past nothing the slow change precedes
        await session.commit()
    others = [await create(database, shop) for _ in range(3)]
    await erp.sync()

    assert len(erp.seen) == len(set(erp.seen)), "a change was delivered twice"
    expected = {(slow, 1), (fast, 1), (slow, 2), (fast, 2), *((o, 1) for o in others)}
    assert set(erp.seen) == expected, "a change was missed"


async def test_a_bad_cursor_or_name_is_refused_in_the_payload(database, shop):
    refused = await data(database, ACK, {"integration": "erp", "upTo": "nonsense"})
    payload = refused["acknowledgeOrderChanges"]
    assert payload["checkpoint"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", "upTo")]

    refused = await data(database, ACK, {"integration": "", "upTo": "nonsense"})
    fields = [e["field"] for e in refused["acknowledgeOrderChanges"]["errors"]]
    assert fields == ["integration", "upTo"]

    result = await database(CHANGES, {"integration": "no spaces", "after": None})
    assert result.errors is not None
    assert "integration" in result.errors[0].message
