"""API keys are checked once per process and revoked on every process at once.

The cache's lifetime is set to an hour here, so a key refused right after its revocation can
only have been dropped by the database's notification, on each of two server processes.
"""

import asyncio

import httpx
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key, revoke_key
from app.settings import Settings
from db import models
from tests.served import serve_command, served

ORDERS = {"query": "query Few { orders(first: 1) { nodes { number } } }"}


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def status_of(url: str, key: str) -> int:
    async with httpx.AsyncClient(base_url=url, headers=bearer(key)) as http:
        return (await http.post("/graphql", json=ORDERS)).status_code


async def until_refused(url: str, key: str) -> int:
    """The key's status on `url`, polled until the server refuses it (or 30 s pass)."""
    for _ in range(300):
        status = await status_of(url, key)
        if status == 401:
            return status
        await asyncio.sleep(0.1)
    return status


async def test_a_revoked_key_stops_working_on_every_process_at_once(database_url, engine, tmp_path):
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="cached", company_codes=None, scopes=["admin"])
    env = {
        "DATABASE_URL": database_url,
        "BULK_WORKER_ENABLED": "false",
        "API_KEY_CACHE_TTL_S": "3600",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    try:
        async with (
            serve_command(env, tmp_path / "a.log") as (first, _),
            serve_command(env, tmp_path / "b.log") as (second, _),
        ):
            assert [await status_of(url, key.plain) for url in (first, second)] == [200, 200]
            async with AsyncSession(engine) as session:
                assert await revoke_key(session, key.id)

            assert [await until_refused(url, key.plain) for url in (first, second)] == [401, 401]
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))


def statements_histogram() -> tuple[float, float]:
    """(requests observed, statements they sent) from this process's own registry."""
    name = "orders_api_sql_statements_per_request"
    return (
        REGISTRY.get_sample_value(f"{name}_count") or 0.0,
        REGISTRY.get_sample_value(f"{name}_sum") or 0.0,
    )


async def statements_of_one_request(url: str, key: str) -> float:
    """A request's statements, read once the server has counted it (just after answering)."""
    requests, statements = statements_histogram()
    assert await status_of(url, key) == 200
    for _ in range(400):
        now_requests, now_statements = statements_histogram()
        if now_requests > requests:
            assert now_requests == requests + 1
            return now_statements - statements
        await asyncio.sleep(0.01)
    raise AssertionError("the request was never counted")


async def test_a_cached_compiled_read_sends_one_statement_authentication_included(
    database_url, engine
):
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="one-statement", company_codes=None, scopes=["admin"])
    settings = Settings(database_url=database_url, bulk_worker_enabled=False, _env_file=None)  # type: ignore[call-arg]
    try:
        async with served(settings) as url:
            cold = await statements_of_one_request(url, key.plain)  # the key is looked up
            warm = await statements_of_one_request(url, key.plain)  # and now known
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == key.id))

    assert (cold, warm) == (2, 1)
