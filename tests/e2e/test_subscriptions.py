"""orderEvents over a real WebSocket: a key's companies' events arrive as they commit, no other."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.api_keys import issue_key, revoke_key
from app.main import create_app
from app.settings import Settings
from db import models
from tests.served import free_port

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = "subscription { orderEvents { kind statusAfter details } }"


@pytest.fixture(scope="module")
async def server(database_url: str) -> AsyncIterator[str]:
    port = free_port()
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        bulk_worker_enabled=False,
        key_recheck_interval_s=0,  # the key is re-checked at every event: no waiting in tests
        _env_file=None,
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    task = asyncio.create_task(uvicorn_server.serve())
    while not uvicorn_server.started:  # noqa: ASYNC110 (uvicorn exposes a flag, not an event)
        await asyncio.sleep(0.05)
    yield f"ws://127.0.0.1:{port}/graphql"
    uvicorn_server.should_exit = True
    await task


@pytest.fixture
async def companies(engine: AsyncEngine) -> AsyncIterator[dict[str, Any]]:
    """Two committed companies and a read key for the first; all removed afterwards."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        mine, theirs = models.Company(code="SUBA", name="A"), models.Company(code="SUBB", name="B")
        session.add_all([mine, theirs])
        await session.commit()
        key = await issue_key(session, name="sub", company_codes=["SUBA"], scopes=["order.read"])
    yield {"mine": mine.id, "theirs": theirs.id, "key": key.plain, "key_id": key.id}
    async with AsyncSession(engine) as session, session.begin():
        ids = [mine.id, theirs.id]
        await session.execute(
            sa.delete(models.OrderEvent).where(models.OrderEvent.company_id.in_(ids))
        )
        await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))
        await session.execute(sa.delete(models.Company).where(models.Company.id.in_(ids)))


async def _commit_event(engine: AsyncEngine, company_id: int, note: str) -> None:
    async with AsyncSession(engine) as session, session.begin():
        session.add(
            models.OrderEvent(
                order_id=1, company_id=company_id, kind="CONFIRMED", details={"note": note}
            )
        )


async def _subscribed(url: str, init: dict[str, Any], headers: dict[str, str] | None = None):
    socket_ = await connect(url, subprotocols=[PROTOCOL], additional_headers=headers or {})
    await socket_.send(json.dumps({"type": "connection_init", "payload": init}))
    ack = json.loads(await socket_.recv())
    assert ack["type"] == "connection_ack", ack
    await socket_.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
    )
    await asyncio.sleep(0.3)  # the server subscribes to the event stream
    return socket_


async def test_events_of_the_keys_company_stream_as_they_commit(server, engine, companies):
    socket_ = await _subscribed(server, {"Authorization": f"Bearer {companies['key']}"})
    try:
        await _commit_event(engine, companies["theirs"], "not yours")
        await _commit_event(engine, companies["mine"], "yours")
        async with asyncio.timeout(5):
            message = json.loads(await socket_.recv())
    finally:
        await socket_.close()

    assert message["type"] == "next"
    assert message["payload"]["data"]["orderEvents"] == {
        "kind": "CONFIRMED",
        "statusAfter": None,
        "details": {"note": "yours"},
    }


async def test_a_key_in_the_handshake_headers_works_too(server, engine, companies):
    socket_ = await _subscribed(server, {}, headers={"x-api-key": companies["key"]})
    try:
        await _commit_event(engine, companies["mine"], "by header")
        async with asyncio.timeout(5):
            message = json.loads(await socket_.recv())
    finally:
        await socket_.close()

    assert message["payload"]["data"]["orderEvents"]["details"] == {"note": "by header"}


@pytest.mark.parametrize("init", [{}, {"Authorization": "Bearer oak_wrong"}], ids=["none", "bad"])
async def test_a_websocket_without_a_valid_key_is_closed(server, companies, init):
    async with connect(server, subprotocols=[PROTOCOL]) as socket_:
        await socket_.send(json.dumps({"type": "connection_init", "payload": init}))
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(5):
                await socket_.recv()

    assert closed.value.rcvd.code == 4403


async def test_queries_and_mutations_are_refused_over_a_websocket(server, companies):
    """A WebSocket lives long: only subscriptions run there; the rest goes over HTTP."""
    async with connect(server, subprotocols=[PROTOCOL]) as socket_:
        init = {"Authorization": f"Bearer {companies['key']}"}
        await socket_.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await socket_.recv())["type"] == "connection_ack"
        query = {"query": "{ orders { totalCount } }"}
        await socket_.send(json.dumps({"id": "q", "type": "subscribe", "payload": query}))
        async with asyncio.timeout(5):
            answer = json.loads(await socket_.recv())

    assert answer["type"] == "next"
    assert answer["payload"]["errors"][0]["message"] == (
        "only subscriptions run over WebSocket; send queries and mutations over HTTP"
    )


async def _revoke(engine: AsyncEngine, key_id: int) -> None:
    """As `orders-api keys revoke` does."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        assert await revoke_key(session, key_id)


async def test_a_revoked_key_s_subscription_ends_with_unauthenticated(server, engine, companies):
    socket_ = await _subscribed(server, {"Authorization": f"Bearer {companies['key']}"})
    try:
        await _commit_event(engine, companies["mine"], "before")
        async with asyncio.timeout(5):
            before = json.loads(await socket_.recv())
        await _revoke(engine, companies["key_id"])
        await _commit_event(engine, companies["mine"], "after")
        async with asyncio.timeout(5):
            ended = json.loads(await socket_.recv())
            completed = json.loads(await socket_.recv())
    finally:
        await socket_.close()

    assert before["payload"]["data"]["orderEvents"]["details"] == {"note": "before"}
    assert ended["type"] == "next"
    assert ended["payload"]["data"] is None
    assert ended["payload"]["errors"] == [
        {"message": "this API key has been revoked", "extensions": {"code": "UNAUTHENTICATED"}}
    ]
    assert completed == {"id": "1", "type": "complete"}


async def test_a_websocket_whose_key_was_revoked_starts_no_subscription(server, engine, companies):
    """Connected before the revocation, the socket stays open; what it asks for is refused."""
    socket_ = await connect(server, subprotocols=[PROTOCOL])
    try:
        init = {"Authorization": f"Bearer {companies['key']}"}
        await socket_.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await socket_.recv())["type"] == "connection_ack"
        await _revoke(engine, companies["key_id"])
        await socket_.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        )
        async with asyncio.timeout(5):
            answer = json.loads(await socket_.recv())
    finally:
        await socket_.close()

    assert answer["type"] == "next"
    assert answer["payload"]["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
