"""/metrics over a real server: every family is there, and each moves with what it counts."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from websockets.asyncio.client import connect

from app.api_keys import issue_key
from app.metrics import metrics_endpoint, operation_label
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from tests.access.conftest import Tenant, make_tenant, purge_companies
from tests.bulk.conftest import make_worker
from tests.hostile.test_inputs import CREATE, order_input
from tests.served import served

FAMILIES = (
    "orders_api_http_requests",
    "orders_api_http_request_duration_seconds",
    "orders_api_graphql_operations",
    "orders_api_graphql_operation_duration_seconds",
    "orders_api_sql_statements_per_request",
    "orders_api_db_pool_connections_in_use",
    "orders_api_db_pool_waiting",
    "orders_api_inventory_breaker_state",
    "orders_api_inventory_calls",
    "orders_api_bulk_items_pending",
    "orders_api_bulk_items",
    "orders_api_rate_limit_refusals",
    "orders_api_subscriptions_active",
)
BUDGET = 300  # points per key: a few pages fit, then one is THROTTLED
PAGE = "query Page { orders(first: 100) { nodes { number } } }"
START_IMPORT = """mutation Start($orders: [ImportOrderInput!]!) {
  startBulkImport(input: {orders: $orders}) { bulkOperation { id } errors { code } }
}"""


@dataclass(frozen=True)
class Served:
    url: str
    admin: httpx.AsyncClient
    thrifty: httpx.AsyncClient  # a key of its own, to spend its budget
    admin_key: str
    tenant: Tenant


class Scrape:
    """One scrape's samples, looked up by name and labels."""

    def __init__(self, text: str) -> None:
        self.families = {family.name: family for family in text_string_to_metric_families(text)}

    def value(self, sample: str, **labels: str) -> float:
        family = self.families[_family_of(sample)]
        return sum(
            s.value
            for s in family.samples
            if s.name == sample and labels.items() <= s.labels.items()
        )


def _family_of(sample: str) -> str:
    for suffix in ("_total", "_bucket", "_count", "_sum", "_created"):
        if sample.endswith(suffix):
            return sample.removesuffix(suffix)
    return sample


@pytest.fixture(scope="module")
async def server(database_url: str, engine: AsyncEngine) -> AsyncIterator[Served]:
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    tenant = await make_tenant(sessions)
    async with AsyncSession(engine) as session:
        admin = await issue_key(session, name="metrics", company_codes=None, scopes=["admin"])
        thrifty = await issue_key(session, name="thrifty", company_codes=None, scopes=["admin"])
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        bulk_worker_enabled=False,  # the test runs the job itself, to see it wait first
        rate_limit_capacity=BUDGET,
        rate_limit_restore_rate=0.001,
        max_query_cost=BUDGET,
        key_recheck_interval_s=0,
        _env_file=None,
    )
    try:
        async with (
            served(settings) as url,
            httpx.AsyncClient(base_url=url, headers=_bearer(admin.plain), timeout=30) as a,
            httpx.AsyncClient(base_url=url, headers=_bearer(thrifty.plain), timeout=30) as t,
        ):
            yield Served(url, a, t, admin.plain, tenant)
    finally:
        async with AsyncSession(engine) as session, session.begin():
            await session.execute(sa.delete(models.BulkOperation))
            ids = [admin.id, thrifty.id]
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id.in_(ids)))
        await purge_companies(sessions, [tenant.code])


def _bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def scrape(server: Served) -> Scrape:
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        response = await anonymous.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return Scrape(response.text)


async def until(server: Served, check, description: str) -> Scrape:
    """Scrape until `check` holds: the server notices a socket opening or closing on its own."""
    for _ in range(400):
        figures = await scrape(server)
        if check(figures):
            return figures
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw {description}")


async def test_every_family_is_exposed(server):
    await server.admin.post("/graphql", json={"query": "{ orders { totalCount } }"})
    figures = await scrape(server)
    assert set(FAMILIES) <= figures.families.keys()
    assert figures.value("orders_api_inventory_breaker_state", state="closed") >= 1
    assert figures.value("orders_api_db_pool_waiting") == 0


async def test_requests_are_counted_by_operation_outcome_and_read_path(server):
    before = await scrape(server)
    compiled = await server.admin.post(
        "/graphql", json={"query": "query Listing { orders(first: 1) { nodes { number } } }"}
    )
    reference = await server.admin.post(
        "/graphql", json={"query": "query Jobs { bulkOperations { totalCount } }"}
    )
    invalid = await server.admin.post("/graphql", json={"query": "query Broken { nope }"})
    http = "orders_api_http_requests_total"
    ok = {"route": "/graphql", "method": "POST", "status": "200"}
    # a request is counted as it ends, just after its answer went out
    after = await until(
        server, lambda f: f.value(http, **ok) >= before.value(http, **ok) + 3, "three answers"
    )

    assert compiled.status_code == reference.status_code == invalid.status_code == 200
    operations = "orders_api_graphql_operations_total"
    for labels in (
        {"operation": "Listing", "outcome": "ok", "read_path": "compiled", "type": "query"},
        {"operation": "Jobs", "outcome": "ok", "read_path": "reference", "type": "query"},
        {"operation": "Broken", "outcome": "INVALID"},
    ):
        assert after.value(operations, **labels) == before.value(operations, **labels) + 1
    assert after.value(http, **ok) == before.value(http, **ok) + 3
    latency = "orders_api_http_request_duration_seconds_count"
    assert after.value(latency, route="/graphql") == before.value(latency, route="/graphql") + 3
    # the key is known by now (cached): the two valid queries sent their reads, the invalid none
    statements = "orders_api_sql_statements_per_request"
    assert after.value(f"{statements}_count") >= before.value(f"{statements}_count") + 3
    assert after.value(f"{statements}_sum") >= before.value(f"{statements}_sum") + 2


async def test_unknown_paths_and_names_add_no_series(server):
    before = await scrape(server)
    await server.admin.get("/no/such/path/12345")
    http = "orders_api_http_requests_total"
    after = await until(
        server,
        lambda f: f.value(http, route="other") >= before.value(http, route="other") + 1,
        "the unknown path counted",
    )

    assert after.value(http, route="other") == before.value(http, route="other") + 1
    assert not any(
        "12345" in str(sample.labels)
        for family in after.families.values()
        for sample in family.samples
    )
    assert operation_label("x" * 65) == operation_label("has spaces") == "other"
    assert operation_label(None) == "anonymous"


async def test_inventory_calls_and_rate_limit_refusals_are_counted(server):
    before = await scrape(server)
    variables = {"input": order_input(server.tenant, number="MET-1")}
    created = await server.admin.post("/graphql", json={"query": CREATE, "variables": variables})
    assert created.json()["data"]["createOrder"]["errors"] == []
    for _ in range(BUDGET):  # spend the key's budget until a query is refused, once
        answer = (await server.thrifty.post("/graphql", json={"query": PAGE})).json()
        if "errors" in answer:
            break
    after = await scrape(server)

    calls = "orders_api_inventory_calls_total"
    assert after.value(calls, outcome="ok") > before.value(calls, outcome="ok")
    assert answer["errors"][0]["extensions"]["code"] == "THROTTLED"
    refusals = "orders_api_rate_limit_refusals_total"
    assert after.value(refusals) == before.value(refusals) + 1
    operations = "orders_api_graphql_operations_total"
    assert after.value(operations, operation="Page", outcome="THROTTLED") == (
        before.value(operations, operation="Page", outcome="THROTTLED") + 1
    )


async def test_the_job_queue_depth_and_items_run(server, engine):
    async with AsyncSession(engine) as session:
        client_code = await session.scalar(
            sa.select(models.Partner.code).where(models.Partner.id == server.tenant.ids["Client"])
        )
    order = {
        "companyCode": server.tenant.code,
        "source": "ERP",
        "externalId": "MET-BULK",
        "clientCode": client_code,
        "status": "PENDING",
        "orderedAt": "2025-03-01",
        "lines": [{"productCode": "NO-SUCH-PRODUCT", "quantity": 1, "unitPrice": "2.50"}],
    }
    before = await scrape(server)
    started = await server.admin.post(
        "/graphql", json={"query": START_IMPORT, "variables": {"orders": [order]}}
    )
    assert started.json()["data"]["startBulkImport"]["errors"] == []
    waiting = await scrape(server)
    worker = make_worker(engine, Settings(database_url=None, _env_file=None))  # type: ignore[call-arg]
    while await worker.run_once():
        pass
    after = await scrape(server)

    pending = "orders_api_bulk_items_pending"
    assert waiting.value(pending) == before.value(pending) + 1
    assert after.value(pending) == 0
    items = "orders_api_bulk_items_total"
    assert after.value(items, outcome="failed") >= before.value(items, outcome="failed") + 1


async def test_open_subscriptions_are_counted(server):
    gauge = "orders_api_subscriptions_active"
    before = (await scrape(server)).value(gauge)
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as socket_:
        init = {"Authorization": f"Bearer {server.admin_key}"}
        await socket_.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await socket_.recv())["type"] == "connection_ack"
        subscribe = {"query": "subscription { orderEvents { kind } }"}
        await socket_.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        await until(server, lambda f: f.value(gauge) == before + 1, "the subscription counted")
    await until(server, lambda f: f.value(gauge) == before, "the subscription's end counted")


async def test_a_metrics_token_is_required_once_set(database_url):
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        bulk_worker_enabled=False,
        metrics_token="s3cret-scrape",
        _env_file=None,
    )
    async with served(settings) as url, httpx.AsyncClient(base_url=url) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers=_bearer("guess"))
        right = await client.get("/metrics", headers=_bearer("s3cret-scrape"))

    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert right.status_code == 200
    assert "orders_api_http_requests_total" in right.text


@pytest.mark.parametrize(
    ("token", "expected"), [(None, 403), ("s3cret-scrape", 200)], ids=["no token", "token"]
)
async def test_metrics_from_off_the_machine_need_the_token(token, expected):
    """A client that is not on loopback: only the endpoint itself decides, so it is asked alone."""
    settings = Settings(database_url=None, metrics_token=token, _env_file=None)  # type: ignore[call-arg]
    headers = [(b"authorization", b"Bearer s3cret-scrape")]
    scope = {"type": "http", "method": "GET", "path": "/metrics", "headers": headers}
    # an app with no state to sample (no database): the figures answer all the same
    request = Request(scope | {"client": ("203.0.113.7", 40000), "app": object()})

    response = await metrics_endpoint(settings)(request)

    assert response.status_code == expected
