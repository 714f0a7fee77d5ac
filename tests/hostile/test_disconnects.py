"""A client that goes away mid-request costs a debug line at most, and no database connection.

Load testers and impatient front ends close connections with requests in flight. The server
must not log that as an error, nor keep a pooled connection for an answer nobody reads.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
import pytest

from tests.hostile.conftest import hostile_settings
from tests.locks import orders_locked, until_blocked_by
from tests.served import served

ORDERS = b'{"query": "{ orders(first: 1) { totalCount } }"}'


def quiet_settings(database_url: str):  # type: ignore[no-untyped-def]
    """No background sweep or sampling holds a connection while the test counts them."""
    return hostile_settings(database_url, reconcile_interval_s=3600, metrics_sample_interval_s=3600)


async def connections_in_use(url: str) -> float:
    async with httpx.AsyncClient(base_url=url) as http:
        text = (await http.get("/metrics")).text
    [line] = [line for line in text.splitlines() if line.startswith("orders_api_db_pool_conn")]
    return float(line.split()[-1])


async def settled_connections_in_use(url: str) -> float:
    """Connections in use once the last answer's session has closed (just after it is sent)."""
    for _ in range(400):
        in_use = await connections_in_use(url)
        if in_use == 0:
            return in_use
        await asyncio.sleep(0.05)
    return in_use


async def raw_request(
    url: str, key: str, body: bytes, *, declared: int
) -> Callable[[], Awaitable[None]]:
    """Sends the head and `body` (perhaps less than `declared`); answers how to hang up."""
    address = urlsplit(url)
    _, writer = await asyncio.open_connection(address.hostname, address.port)
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()

    async def hang_up() -> None:
        writer.close()
        await writer.wait_closed()

    return hang_up


@pytest.fixture
def errors_logged(caplog) -> list[logging.LogRecord]:
    caplog.set_level(logging.INFO)
    return caplog.records


async def test_a_client_gone_before_its_body_arrived_is_no_error(
    database_url, hostile, errors_logged
):
    key = hostile.caller.headers["authorization"].removeprefix("Bearer ")
    async with served(quiet_settings(database_url)) as url:
        for _ in range(5):
            hang_up = await raw_request(url, key, ORDERS[:10], declared=len(ORDERS))
            await hang_up()
        # the server has read each request to its end (the hang-up) once the next one answers
        async with httpx.AsyncClient(base_url=url, headers=hostile.caller.headers) as http:
            answered = await http.post("/graphql", json={"query": "{ orders { totalCount } }"})
            assert answered.status_code == 200
        assert await settled_connections_in_use(url) == 0

    assert [r.getMessage() for r in errors_logged if r.levelno >= logging.ERROR] == []


async def test_a_client_gone_while_its_query_waits_on_the_database_is_no_error(
    database_url, engine, hostile, errors_logged
):
    key = hostile.caller.headers["authorization"].removeprefix("Bearer ")
    async with served(quiet_settings(database_url)) as url:
        async with orders_locked(engine) as holder:
            hang_up = await raw_request(url, key, ORDERS, declared=len(ORDERS))
            await until_blocked_by(engine, holder)  # the query waits on the lock...
            await hang_up()  # ...when its client goes away
        # the lock is gone: the query finishes, answers nobody and gives its connection back
        assert await settled_connections_in_use(url) == 0

    assert [r.getMessage() for r in errors_logged if r.levelno >= logging.ERROR] == []
