"""A database that goes away and comes back: 503 UNAVAILABLE meanwhile, then served again.

The test owns its PostgreSQL (an embedded one in a temporary folder) so it can stop and start
it; the server is not restarted. Recovery is counted in requests, not seconds.
"""

import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from app.settings import Settings
from db.embedded import EmbeddedPostgres
from db.engine import make_engine
from db.migrate import upgrade_async
from tests.served import served

QUERY = {"query": "{ orders(first: 1) { totalCount } }"}


async def test_a_database_that_goes_away_and_comes_back_is_served_again(pg_home):
    postgres = EmbeddedPostgres(pg_home / "pgdata")
    url = await asyncio.to_thread(postgres.start)
    try:
        await upgrade_async(url)
        engine = make_engine(url, pool_size=1)
        async with AsyncSession(engine) as session:
            key = await issue_key(session, name="outage", company_codes=None, scopes=["admin"])
        await engine.dispose()
        settings = Settings(
            database_url=url,
            bulk_worker_enabled=False,
            _env_file=None,  # type: ignore[call-arg]
        )
        headers = {"authorization": f"Bearer {key.plain}"}
        async with (
            served(settings) as base,
            httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http,
        ):
            assert (await http.post("/graphql", json=QUERY)).status_code == 200

            await asyncio.to_thread(postgres.stop)
            down = [await http.post("/graphql", json=QUERY) for _ in range(3)]
            ready = await http.get("/readyz")

            await asyncio.to_thread(postgres.start)
            back = [await http.post("/graphql", json=QUERY) for _ in range(3)]
    finally:
        await asyncio.to_thread(postgres.stop)

    for response in down:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert ready.status_code == 503
    # a connection that died with the server may fail one request; the pool then starts afresh
    statuses = [response.status_code for response in back]
    assert statuses[-1] == 200, statuses
    assert set(statuses) <= {200, 503}
    assert back[-1].json()["data"] == {"orders": {"totalCount": 0}}
