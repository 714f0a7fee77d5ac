"""One real server for the hostile-input tests, with small bounds so tests stay small too.

Its keys are committed (the server reads them on its own connections) and deleted at the end.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.api_keys import issue_key
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from tests.access.conftest import Tenant, make_tenant, purge_companies
from tests.served import served

REQUEST_BYTES = 64 * 1024
BULK_REQUEST_BYTES = 256 * 1024
QUERY_BYTES = 2 * 1024
JSON_DEPTH = 8
FIELD_REPEATS = 3
DIRECTIVES = 3


@dataclass(frozen=True)
class Hostile:
    """The server's URL and a client holding each key."""

    url: str
    caller: httpx.AsyncClient  # order.read and order.write: what most partners hold
    bulk: httpx.AsyncClient  # order.bulkwrite: the bigger body bound
    admin: httpx.AsyncClient  # sees every company, to count what was written

    async def orders(self) -> int:
        """Orders in the database, to show that a refused request wrote none."""
        response = await self.admin.post("/graphql", json={"query": "{ orders { totalCount } }"})
        return int(response.json()["data"]["orders"]["totalCount"])


def hostile_settings(database_url: str, **overrides: object) -> Settings:
    given: dict[str, object] = {
        "bulk_worker_enabled": False,
        "webhook_worker_enabled": False,
        "max_request_bytes": REQUEST_BYTES,
        "max_bulk_request_bytes": BULK_REQUEST_BYTES,
        "max_query_bytes": QUERY_BYTES,
        "max_json_depth": JSON_DEPTH,
        "max_field_repeats": FIELD_REPEATS,
        "max_directives": DIRECTIVES,
    } | overrides
    return Settings(database_url=database_url, _env_file=None, **given)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
async def hostile(database_url: str, engine: AsyncEngine) -> AsyncIterator[Hostile]:
    scopes = {
        "caller": ["order.read", "order.write"],
        "bulk": ["order.read", "order.bulkwrite"],
        "admin": ["admin"],
    }
    async with AsyncSession(engine) as session:
        issued = {
            role: await issue_key(session, name=f"hostile-{role}", company_codes=None, scopes=held)
            for role, held in scopes.items()
        }
    try:
        async with served(hostile_settings(database_url)) as url, AsyncExitStack() as stack:
            clients = {
                role: await stack.enter_async_context(
                    httpx.AsyncClient(base_url=url, headers=_bearer(key.plain), timeout=60)
                )
                for role, key in issued.items()
            }
            yield Hostile(url=url, **clients)
    finally:
        async with AsyncSession(engine) as session:
            ids = [key.id for key in issued.values()]
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id.in_(ids)))
            await session.commit()


def _bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
async def tenant(engine: AsyncEngine) -> AsyncIterator[Tenant]:
    """A committed company with a client, agent, product (100 in stock) and an order."""
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    made = await make_tenant(sessions)
    yield made
    await purge_companies(sessions, [made.code])
