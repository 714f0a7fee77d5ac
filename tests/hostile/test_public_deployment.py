"""INTROSPECTION_ENABLED=false, the one switch for a public deployment: no schema, no GraphiQL."""

import httpx
import pytest

from tests.hostile.conftest import hostile_settings
from tests.served import served

BROWSER = {"accept": "text/html"}
INTROSPECT = '{ __type(name: "Order") { name } }'


@pytest.mark.parametrize("enabled", [True, False])
async def test_one_setting_switches_introspection_and_graphiql(database_url, hostile, enabled):
    settings = hostile_settings(database_url, introspection_enabled=enabled)
    headers = dict(hostile.caller.headers)
    async with served(settings) as url, httpx.AsyncClient(base_url=url, headers=headers) as http:
        page = await http.get("/graphql", headers=BROWSER)
        introspected = (await http.post("/graphql", json={"query": INTROSPECT})).json()
        plain = (await http.post("/graphql", json={"query": "{ __typename }"})).json()

    assert plain["data"] == {"__typename": "Query"}
    if enabled:
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        assert introspected["data"] == {"__type": {"name": "Order"}}
    else:
        assert page.status_code == 404
        assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert introspected["data"] is None
        assert introspected["errors"][0]["message"].startswith("GraphQL introspection has been")
