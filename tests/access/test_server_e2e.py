"""End to end: create_app under uvicorn on loopback; keys, refusals, and a flood it survives."""

import asyncio

import httpx
import uvicorn

from app.main import create_app
from tests.access.conftest import codes_of
from tests.served import free_port

GOOD = "{ companies(first: 1) { totalCount } }"  # costs 1
DEAR = "{ companies(first: 100) { totalCount } }"  # costs the whole bucket
TOO_DEEP = "{ orders(first: 1) { nodes { client { orders(first: 1) { totalCount } } } } }"


async def test_the_server_answers_keys_refuses_floods_and_keeps_answering(settings_for, keys):
    port = free_port()
    settings = settings_for(
        port=port,
        max_query_depth=4,
        max_query_cost=100,
        rate_limit_capacity=100,
        rate_limit_restore_rate=1.0,
    )
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(15):
            while not server.started:
                assert not task.done(), "uvicorn stopped before it started"
                await asyncio.sleep(0.02)
        flooder, good = await keys.issue(), await keys.issue()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

            async def ask(query: str, **headers: str) -> httpx.Response:
                return await client.post("/graphql", json={"query": query}, headers=headers)

            bearer = {"authorization": f"Bearer {good.plain}"}
            answered = await ask(GOOD, **bearer)
            assert answered.status_code == 200
            assert "errors" not in answered.json()
            assert (await ask(GOOD, **{"x-api-key": good.plain})).status_code == 200
            assert (await ask(DEAR, authorization=f"Bearer {flooder.plain}")).status_code == 200

            limit = asyncio.Semaphore(20)
            flood = [
                (GOOD, {}, "UNAUTHENTICATED"),
                (TOO_DEEP, {"authorization": f"Bearer {flooder.plain}"}, "LIMIT_EXCEEDED"),
                (DEAR, {"authorization": f"Bearer {flooder.plain}"}, "THROTTLED"),
            ] * 100

            async def refused(query: str, headers: dict[str, str]) -> list[str]:
                async with limit:
                    return codes_of((await ask(query, **headers)).json())

            async with asyncio.timeout(60):
                results = await asyncio.gather(*(refused(q, h) for q, h, _ in flood))
            assert results == [[code] for _, _, code in flood]

            after = await ask(GOOD, **bearer)
            assert after.status_code == 200
            assert after.json()["data"]["companies"]["totalCount"] >= 0
            assert (await client.get("/healthz")).json() == {"status": "ok"}
    finally:
        server.should_exit = True
        async with asyncio.timeout(15):
            await task
