"""The real thing: `create_app` under uvicorn on a loopback port, spoken to over HTTP."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.api_keys import issue_key
from app.main import create_app
from app.settings import Settings
from tests.served import free_port


@pytest.fixture(scope="module")
async def server(database_url: str) -> AsyncIterator[str]:
    port = free_port()
    settings = Settings(database_url=database_url, port=port, _env_file=None)  # type: ignore[call-arg]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    task = asyncio.create_task(uvicorn_server.serve())
    while not uvicorn_server.started:  # noqa: ASYNC110 (uvicorn exposes a flag, not an event)
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def reader_key(engine: AsyncEngine) -> str:
    async with AsyncSession(engine) as session:
        issued = await issue_key(session, name="e2e", company_codes=None, scopes=["order.read"])
    return issued.plain


async def test_health_and_readiness(server):
    async with httpx.AsyncClient(base_url=server) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert isinstance(body.pop("strayHolds"), int)
    assert isinstance(body.pop("pendingUndos"), int)
    assert body == {"status": "ok", "database": "up", "inventoryBreaker": "closed"}


async def test_graphql_over_http_answers_and_echoes_the_request_id(server, reader_key):
    async with httpx.AsyncClient(base_url=server) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ orders(first: 1) { totalCount } }"},
            headers={"x-request-id": "abc-123", "authorization": f"Bearer {reader_key}"},
        )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["data"] == {"orders": {"totalCount": 0}}


async def test_a_request_without_a_key_is_refused_before_graphql(server):
    async with httpx.AsyncClient(base_url=server) as http:
        response = await http.post("/graphql", json={"query": "{ orders { totalCount } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_bad_paging_input_is_a_clear_error_not_a_500(server, reader_key):
    async with httpx.AsyncClient(base_url=server) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ orders(first: 1000) { totalCount } }"},
            headers={"x-api-key": reader_key},
        )
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == "first: must be at most 100, got 1000"


async def test_graphiql_is_served_to_browsers_with_a_hint_for_the_key(server):
    async with httpx.AsyncClient(base_url=server) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert "Bearer <your API key>" in page.text
