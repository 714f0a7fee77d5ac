"""setQuickOrderSuggestions replaces a client's list; client.quickOrderSuggestions reads it."""

from decimal import Decimal
from typing import Any

import pytest

from tests.api.bulk_schema import BulkGraphQL
from tests.api.test_create_order import ERRORS, gid, mutate

SET = f"""
  client {{
    code
    quickOrderSuggestions {{ rank units quantity displayInGroup product {{ code }} }}
  }}
  {ERRORS}
"""


@pytest.fixture
def gql(db_session, settings):
    return BulkGraphQL(db_session, settings)


@pytest.fixture
async def client(factory: Any) -> Any:
    company = await factory.company()
    await factory.product(company, code="529", list_price=Decimal("3.00"))
    await factory.product(company, code="530", list_price=Decimal("9.00"), units_per_package=6)
    await factory.product(await factory.company(), code="FOREIGN")
    return gid("Client", await factory.client(company))  # an id outlives a refused mutation


async def set_list(gql: Any, client_id: str, *items: dict[str, Any]) -> Any:
    suggestions = {"clientId": client_id, "items": list(items)}
    return await mutate(gql, "setQuickOrderSuggestions", suggestions, SET)


def listed(payload: Any) -> list[tuple[int, str, int, int]]:
    return [
        (s["rank"], s["product"]["code"], s["units"], s["quantity"])
        for s in payload["client"]["quickOrderSuggestions"]
    ]


async def test_the_list_is_replaced_whole_and_read_by_rank(gql, client):
    await set_list(gql, client, {"productCode": "529", "quantity": 9, "rank": 1})

    payload = await set_list(
        gql,
        client,
        {"productCode": "530", "units": 1, "quantity": 2, "rank": 2, "displayInGroup": [1, 6]},
        {"productCode": "529", "units": 1, "quantity": 4, "rank": 1},
        {"productCode": "530", "units": 6, "quantity": 1, "rank": 3},
    )

    assert payload["errors"] == []
    assert listed(payload) == [(1, "529", 1, 4), (2, "530", 1, 2), (3, "530", 6, 1)]
    displays = [s["displayInGroup"] for s in payload["client"]["quickOrderSuggestions"]]
    assert displays == [[], [1, 6], []]


async def test_units_default_to_the_product_and_rank_to_the_position(gql, client):
    payload = await set_list(gql, client, {"productCode": "530"}, {"productCode": "529"})

    assert listed(payload) == [(1, "530", 6, 1), (2, "529", 1, 1)]


async def test_an_empty_list_clears_it(gql, client):
    await set_list(gql, client, {"productCode": "529"})

    payload = await set_list(gql, client)

    assert payload["client"]["quickOrderSuggestions"] == []


async def test_every_bad_item_is_reported_and_the_old_list_stays(gql, client):
    await set_list(gql, client, {"productCode": "529", "quantity": 7})

    payload = await set_list(
        gql,
        client,
        {"productCode": "NOPE"},
        {"productCode": "FOREIGN"},
        {"productCode": "529", "quantity": 0, "units": 0},
        {"productCode": "530", "units": 6},
        {"productCode": "530", "displayInGroup": {"units": 6}},
    )

    assert payload == {
        "client": None,
        "errors": [
            {"code": "NOT_FOUND", "field": "items.0.productCode",
             "message": "no product NOPE in the client's company"},
            {"code": "NOT_FOUND", "field": "items.1.productCode",
             "message": "no product FOREIGN in the client's company"},
            {"code": "INVALID", "field": "items.2.units",
             "message": "must be from 1 to 1,000,000,000"},
            {"code": "INVALID", "field": "items.2.quantity",
             "message": "must be from 1 to 1,000,000,000"},
            {"code": "INVALID", "field": "items.4.displayInGroup", "message": "must be a list"},
            {"code": "NOT_UNIQUE", "field": "items.4.productCode",
             "message": "530 in units of 6 is already at items.3"},
        ],
    }  # fmt: skip
    unchanged = await set_list(gql, client, {"productCode": "529", "quantity": 7})
    assert listed(unchanged) == [(1, "529", 1, 7)]


async def test_the_client_must_be_a_client_the_key_may_see(gql, client, factory):
    agent = await factory.agent(await factory.company())

    for client_id in (gid("Agent", agent), gid("Client", agent)):
        suggestions = {"clientId": client_id, "items": []}
        payload = await mutate(gql, "setQuickOrderSuggestions", suggestions, SET)
        assert payload["errors"][0]["code"] == "NOT_FOUND"
        assert payload["errors"][0]["field"] == "clientId"
