"""The planned path answers a repeated read exactly as the full stack does, checks and all.

Each test sends a document once (the full stack answers it and the compiled path plans it), then
again: the second answer comes from app/planned_reads.py, which these tests tell by its counter,
and must be the full stack's answer, refusals included.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from graphql_schema.machinery import extensions
from tests.access.conftest import (
    KeyRing,
    Tenant,
    codes_of,
    http,
    make_tenant,
    post,
    purge_companies,
    running,
)

ORDER = """
query One($id: ID!) {
  order(id: $id) {
    id number status totalAmount orderedAt
    client { name taxId } agent { name } season { code } company { code }
    lines { position quantity unitPrice amount product { code name } }
  }
}
"""
BY_NUMBER = "query ByNumber($n: String!) { order(number: $n) { id number company { code } } }"
PAGE = """
query Page($first: Int) {
  orders(first: $first, orderBy: NUMBER_ASC) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id number lines { quantity product { code } } } }
  }
}
"""
ALIASED = """
fragment Parts on Order { number company { code } }
query { a: order(id: "%s") { ...Parts } b: orders(first: 1) { nodes { ...Parts } } __typename }
"""


def planned(outcome: str) -> float:
    return REGISTRY.get_sample_value("orders_api_planned_reads_total", {"outcome": outcome}) or 0.0


@pytest.fixture(scope="module")
async def pair(sessions) -> AsyncIterator[tuple[Tenant, Tenant]]:
    a, b = await make_tenant(sessions), await make_tenant(sessions)
    yield a, b
    await purge_companies(sessions, [a.code, b.code])


@pytest.fixture
async def ring(sessions) -> AsyncIterator[KeyRing]:
    keys = KeyRing(sessions)
    yield keys
    await keys.delete_all()


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """The body but for the budget left, which each request spends from."""
    cost = dict(body.get("extensions", {}).get("cost", {}))
    cost.pop("throttleStatus", None)
    return {**body, "extensions": {"cost": cost}}


async def _twice(
    app: Any, client: Any, query: str, variables: dict[str, Any] | None = None
) -> list[Any]:
    """The full stack's response, then the planned path's, which must have answered it.

    Only keys read while the grant cache listens for revocations are cached; it starts with
    the app, so the first request waits for it.
    """
    await app.state.grant_cache.listened.wait()
    first = await post(client, query, variables)
    answered = planned("answered")
    second = await post(client, query, variables)
    assert planned("answered") == answered + 1, "the planned path did not answer"
    return [first, second]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ORDER, lambda a: {"id": a.gid("Order")}),
        (BY_NUMBER, lambda a: {"n": a.order_number}),
        (PAGE, lambda a: {"first": 2}),
        (ALIASED, None),
    ],
    ids=["order-by-id", "order-by-number", "page", "aliases-fragments-typename"],
)
async def test_a_planned_answer_is_the_full_stacks_answer(
    pair, ring, settings_for, query, variables
):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    document = query % a.gid("Order") if "%s" in query else query
    async with running(settings_for()) as app, http(app, key.plain) as client:
        full, fast = await _twice(app, client, document, variables(a) if variables else None)
    assert (full.status_code, fast.status_code) == (200, 200)
    assert fast.headers["content-type"] == full.headers["content-type"]
    assert fast.headers["x-request-id"]
    assert "errors" not in full.json(), full.json()
    assert _comparable(fast.json()) == _comparable(full.json())
    remaining = [r.json()["extensions"]["cost"]["throttleStatus"] for r in (full, fast)]
    assert remaining[1]["currentlyAvailable"] <= remaining[0]["currentlyAvailable"]


async def test_new_variables_on_a_plan_read_another_order(pair, ring, settings_for):
    a, b = pair
    key = await ring.issue(["order.read"], None)  # every company
    async with running(settings_for()) as app, http(app, key.plain) as client:
        await _twice(app, client, ORDER, {"id": a.gid("Order")})
        answered = planned("answered")
        other = await post(client, ORDER, {"id": b.gid("Order")})
    assert planned("answered") == answered + 1
    assert other.json()["data"]["order"]["company"]["code"] == b.code


async def test_a_repeated_document_is_neither_parsed_nor_validated_again(
    pair, ring, settings_for, monkeypatch
):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    async with running(settings_for()) as app, http(app, key.plain) as client:
        await _twice(app, client, ORDER, {"id": a.gid("Order")})
        parses = extensions.parsed.cache_info()
        validated: list[object] = []
        real_on_validate = extensions.RepetitionThenValidation.on_validate

        def counted(self: Any) -> Any:
            validated.append(self)
            return real_on_validate(self)

        monkeypatch.setattr(extensions.RepetitionThenValidation, "on_validate", counted)
        response = await post(client, ORDER, {"id": a.gid("Order")})
    assert response.json()["data"]["order"]["number"] == a.order_number
    assert extensions.parsed.cache_info().hits == parses.hits  # not even looked up
    assert extensions.parsed.cache_info().misses == parses.misses
    assert validated == []


async def test_tenant_isolation_holds_on_a_plan(pair, ring, settings_for):
    a, b = pair
    key = await ring.issue(["order.read"], [a.code])
    async with running(settings_for()) as app, http(app, key.plain) as client:
        await _twice(app, client, ORDER, {"id": a.gid("Order")})
        answered = planned("answered")
        foreign = await post(client, ORDER, {"id": b.gid("Order")})
        page = await post(client, PAGE, {"first": 50})
        page_again = await post(client, PAGE, {"first": 50})
    assert planned("answered") >= answered + 2
    assert foreign.json()["data"] == {"order": None}
    for body in (page.json(), page_again.json()):
        numbers = [edge["node"]["number"] for edge in body["data"]["orders"]["edges"]]
        assert numbers == [a.order_number]


async def test_a_key_without_the_scope_is_refused_on_a_plan(pair, ring, settings_for):
    a, _ = pair
    reader = await ring.issue(["order.read"], [a.code])
    hooks = await ring.issue(["webhook.manage"], [a.code])
    async with running(settings_for()) as app:
        async with http(app, reader.plain) as client:
            await _twice(app, client, ORDER, {"id": a.gid("Order")})
        async with http(app, hooks.plain) as client:
            refusals = [await post(client, ORDER, {"id": a.gid("Order")}) for _ in range(2)]
    for refusal in refusals:
        assert refusal.json()["data"] == {"order": None} or refusal.json()["data"] is None
        assert codes_of(refusal.json()) == ["FORBIDDEN"]


async def test_cost_bounds_hold_on_a_plan(pair, ring, settings_for):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    async with running(settings_for()) as app, http(app, key.plain) as client:
        await _twice(app, client, PAGE, {"first": 2})
    strict = settings_for(max_query_cost=10)  # the plan stays; this app's bound is lower
    async with running(strict) as app, http(app, key.plain) as client:
        refused = await post(client, PAGE, {"first": 2})
        too_big = await post(client, PAGE, {"first": 5000})
    assert codes_of(refused.json()) == ["LIMIT_EXCEEDED"]
    assert codes_of(too_big.json()) == ["LIMIT_EXCEEDED"]


async def test_the_budget_is_charged_once_and_refuses_on_a_plan(pair, ring, settings_for):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    settings = settings_for(
        rate_limit_capacity=100, rate_limit_restore_rate=0.001, max_query_cost=100
    )
    async with running(settings) as app, http(app, key.plain) as client:
        first, second = await _twice(app, client, ORDER, {"id": a.gid("Order")})
        cost = first.json()["extensions"]["cost"]["requestedQueryCost"]
        bodies = [first.json(), second.json()]
        while len(bodies) < 100 // cost + 1:
            bodies.append((await post(client, ORDER, {"id": a.gid("Order")})).json())
    left = [body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] for body in bodies]
    assert left[: 100 // cost] == [100 - cost * (n + 1) for n in range(100 // cost)]
    assert codes_of(bodies[-1]) == ["THROTTLED"]
    assert all(codes_of(body) == [] for body in bodies[:-1])


@pytest.mark.parametrize(
    ("variables", "body", "status", "code"),
    [
        ({"id": None}, None, 200, None),  # a variable's error: GraphQL words it
        (None, b"{not json", 400, "BAD_REQUEST"),
        (None, b'{"query": 5}', 400, "BAD_REQUEST"),
    ],
    ids=["null-for-a-required-variable", "not-json", "query-not-a-string"],
)
async def test_a_bad_request_for_a_planned_document_is_refused_as_before(
    pair, ring, settings_for, variables, body, status, code
):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    async with running(settings_for()) as app, http(app, key.plain) as client:
        await _twice(app, client, ORDER, {"id": a.gid("Order")})
        if body is None:
            response = await post(client, ORDER, variables)
        else:
            headers = {"content-type": "application/json"}
            response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code == status
    errors = response.json()["errors"]
    assert errors
    if code is not None:
        assert codes_of(response.json()) == [code]


async def test_an_unknown_key_is_refused_before_any_plan(pair, ring, settings_for):
    a, _ = pair
    key = await ring.issue(["order.read"], [a.code])
    async with running(settings_for()) as app:
        async with http(app, key.plain) as client:
            await _twice(app, client, ORDER, {"id": a.gid("Order")})
        async with http(app, "oak_00000000_not-a-key") as client:
            response = await post(client, ORDER, {"id": a.gid("Order")})
    assert response.status_code == 401
