"""Overload and outages answered honestly: 503 UNAVAILABLE with Retry-After, then service again.

The pool is exhausted deterministically: requests wait on a lock the test holds, each keeping
its connection, until none is left for the next one.
"""

import asyncio

import httpx

from tests.hostile.conftest import hostile_settings
from tests.hostile.test_statement_timeout import ORDERS
from tests.locks import orders_locked, until_blocked_by
from tests.served import served


async def test_an_exhausted_pool_answers_503_with_retry_after_and_recovers(
    database_url, engine, hostile
):
    settings = hostile_settings(
        database_url, db_pool_size=1, db_pool_timeout_s=0.2, statement_timeout_s=60
    )  # two connections: the pool's one and one overflow; 60 s: a failure fails, not hangs
    headers = dict(hostile.caller.headers)
    async with (
        served(settings) as url,
        httpx.AsyncClient(base_url=url, headers=headers, timeout=None) as http,
    ):
        async with orders_locked(engine) as holder:
            holders = [
                asyncio.create_task(http.post("/graphql", json={"query": ORDERS})) for _ in range(2)
            ]
            await until_blocked_by(engine, holder, count=2)
            refused = await http.post("/graphql", json={"query": ORDERS})
        held = await asyncio.gather(*holders)
        after = await http.post("/graphql", json={"query": ORDERS})

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert "retry" in error["message"]
    assert [response.status_code for response in held] == [200, 200]
    assert after.status_code == 200
    assert "errors" not in after.json()
