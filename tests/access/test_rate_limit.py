"""Rate limiting per key over HTTP: a leaky bucket of query-cost points, reported in answers."""

import asyncio

import pytest
import sqlalchemy as sa

from db import models
from tests.access.conftest import answer, http, running, unique

CAPACITY, RESTORE = 100, 50.0
FIFTY = "{ companies(first: 50) { totalCount } }"  # costs 50
TWENTY = "{ companies { totalCount } }"  # costs 20: the default page


@pytest.fixture
def small_bucket(settings_for):
    return settings_for(
        rate_limit_capacity=CAPACITY, rate_limit_restore_rate=RESTORE, max_query_cost=CAPACITY
    )


def throttled(body: dict) -> float:
    """The retry delay of a THROTTLED answer (which ran nothing)."""
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "THROTTLED", error
    assert set(error["extensions"]) == {"code", "retryAfterSeconds"}
    return float(error["extensions"]["retryAfterSeconds"])


async def test_every_answer_reports_its_cost_and_the_bucket(client_for, small_bucket):
    async with client_for(small_bucket) as client:
        first = await answer(client, TWENTY)
        second = await answer(client, FIFTY)
    assert first["extensions"]["cost"] == {
        "requestedQueryCost": 20,
        "throttleStatus": {
            "maximumAvailable": CAPACITY,
            "currentlyAvailable": 80,
            "restoreRate": RESTORE,
        },
    }
    status = second["extensions"]["cost"]["throttleStatus"]
    assert second["extensions"]["cost"]["requestedQueryCost"] == 50
    assert 30 <= status["currentlyAvailable"] <= 50  # 80 - 50, plus what trickled back since


async def test_a_burst_is_throttled_without_running_then_answered_after_the_wait(
    client_for, small_bucket, sessions
):
    code = unique("THR")
    mutation = """mutation M($code: String!) {
      createCompany(input: { code: $code, name: "Throttled" }) {
        company { id } errors { code } e1: errors { code } e2: errors { code } e3: errors { code }
      }
    }"""  # costs 42 (lists count 10): more than trickles back in the ~0.8 s it would take
    async with client_for(small_bucket, scopes=["admin"]) as client:
        for _ in range(2):
            assert "errors" not in await answer(client, FIFTY)
        wait = throttled(await answer(client, FIFTY))
        throttled(await answer(client, mutation, {"code": code}))
        async with sessions() as session:
            assert await session.scalar(sa.select(models.Company).filter_by(code=code)) is None
        assert 0 < wait <= 50 / RESTORE
        await asyncio.sleep(wait + 0.1)
        again = await answer(client, FIFTY)
    assert "errors" not in again, again
    assert again["data"]["companies"]["totalCount"] >= 0


async def test_a_throttled_answer_still_reports_the_bucket(client_for, small_bucket):
    async with client_for(small_bucket) as client:
        await answer(client, FIFTY)
        await answer(client, FIFTY)
        body = await answer(client, FIFTY)
    throttled(body)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 50
    assert cost["throttleStatus"]["maximumAvailable"] == CAPACITY
    assert cost["throttleStatus"]["currentlyAvailable"] < 50


async def test_buckets_are_per_key(small_bucket, keys):
    async with running(small_bucket) as app:
        first, second = await keys.issue(), await keys.issue()
        async with http(app, first.plain) as one, http(app, second.plain) as other:
            await answer(one, FIFTY)
            await answer(one, FIFTY)
            throttled(await answer(one, FIFTY))
            fresh = await answer(other, FIFTY)
    assert "errors" not in fresh
    assert fresh["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 50


async def test_a_query_over_the_cost_bound_is_not_charged(client_for, small_bucket):
    over = "{ companies(first: 100) { totalCount } products(first: 1) { totalCount } }"
    async with client_for(small_bucket) as client:
        refused = await answer(client, over)
        after = await answer(client, TWENTY)
    assert refused["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert after["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 80


async def test_a_refused_query_reports_the_bucket_too(client_for, small_bucket):
    over = "{ companies(first: 100) { totalCount } products(first: 1) { totalCount } }"
    async with client_for(small_bucket) as client:
        refused = await answer(client, over)
    assert refused["extensions"]["cost"] == {
        "requestedQueryCost": 101,
        "throttleStatus": {
            "maximumAvailable": CAPACITY,
            "currentlyAvailable": CAPACITY,
            "restoreRate": RESTORE,
        },
    }
