"""Bulk import benchmark: 10,000 orders of 5 lines through bulkImportOrders, 1,000 per call.

Not a test. It runs against DATABASE_URL's server (in a fresh database, dropped afterwards) or,
when DATABASE_URL is unset, an embedded PostgreSQL in a temporary directory. Each call runs
through the GraphQL schema with a request context, as the server would run it, and commits.

    python bench/bench_bulk_import.py [--orders 10000] [--per-call 1000] [--lines 5]
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.auth import Principal
from app.bulk_worker import BulkWorker
from app.context import build_context
from app.settings import Settings, normalise_dsn
from app.stock_guard import InventoryGuard
from db import models
from db.embedded import EmbeddedPostgres
from db.engine import make_engine, make_sessionmaker
from db.scratch import scratch_database
from resolvers.roots.schema import schema

IMPORT = """
mutation Import($input: BulkImportOrdersInput!) {
  bulkImportOrders(input: $input) {
    counts { created updated unchanged failed }
    results { status errors { field message } }
    errors { field message }
  }
}
"""
PRODUCTS = 200
STATUSES = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"]


def payload(first: int, count: int, lines: int, source: str = "ERP") -> list[dict[str, Any]]:
    """Orders numbered from `first`: 5 statuses in turn, lines over 200 products, a discount."""
    return [
        {
            "companyCode": "BENCH",
            "source": source,
            "externalId": f"{source}-{n:06d}",
            "clientCode": f"CLI-{n % 50:02d}",
            "status": STATUSES[n % len(STATUSES)],
            "orderedAt": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "discounts": [{"rate": "0.05"}] if n % 3 == 0 else [],
            "lines": [
                {
                    "productCode": f"P-{(n * lines + j) % PRODUCTS:03d}",
                    "quantity": 1 + (n + j) % 9,
                    "unitPrice": f"{5 + (n + j) % 40}.90",
                    "discounts": [{"rate": "0.10"}] if j == 0 else [],
                }
                for j in range(lines)
            ],
        }
        for n in range(first, first + count)
    ]


async def reference_data(sessions: Any) -> frozenset[int]:
    async with sessions() as session:
        company = models.Company(code="BENCH", name="Bench S.A.C.", tax_rate=Decimal("0.18"))
        session.add(company)
        await session.flush()
        session.add_all(
            models.Partner(company_id=company.id, code=f"CLI-{n:02d}", name=f"Client {n}",
                           roles=["CLIENT"])
            for n in range(50)
        )  # fmt: skip
        session.add_all(
            models.Product(company_id=company.id, code=f"P-{n:03d}", name=f"Product {n}",
                           list_price=Decimal("9.90"))
            for n in range(PRODUCTS)
        )  # fmt: skip
        await session.commit()
        return frozenset(await session.scalars(sa.select(models.Company.id)))


async def import_all(sessions: Any, companies: frozenset[int], calls: list[Any]) -> list[float]:
    """Run every call in its own session and request context; the seconds each took."""
    target = schema
    settings = Settings(database_url=None, _env_file=None)  # type: ignore[call-arg]
    principal = Principal(key_id="bench", company_ids=companies, scopes=frozenset({"admin"}))
    seconds = []
    for orders in calls:
        started = time.perf_counter()
        async with sessions() as session:
            context = build_context(session, principal, settings, request_id="bench")
            result = await target.execute(
                IMPORT, variable_values={"input": {"orders": orders}}, context_value=context
            )
        seconds.append(time.perf_counter() - started)
        assert result.errors is None, result.errors
        data = result.data["bulkImportOrders"]
        assert data["errors"] == [], data["errors"]
        assert data["counts"]["failed"] == 0, data
        print(f"  {len(orders)} orders in {seconds[-1]:.2f} s: {data['counts']}")
    return seconds


START = """
mutation Start($orders: [ImportOrderInput!]!) {
  startBulkImport(input: {orders: $orders}) { bulkOperation { id } errors { field message } }
}
"""


async def in_background(
    engine: Any, sessions: Any, companies: frozenset[int], orders: list[dict[str, Any]]
) -> float:
    """Accept the job, then let one worker drain it chunk by chunk; seconds from start to done."""
    settings = Settings(database_url=None, bulk_chunk_size=500, _env_file=None)  # type: ignore[call-arg]
    principal = Principal(key_id="bench", company_ids=companies, scopes=frozenset({"admin"}))
    started = time.perf_counter()
    async with sessions() as session:
        context = build_context(session, principal, settings, request_id="bench")
        result = await schema.execute(
            START, variable_values={"orders": orders}, context_value=context
        )
    assert result.errors is None, result.errors
    assert result.data["startBulkImport"]["errors"] == [], result.data
    accepted = time.perf_counter() - started
    print(f"  accepted in {accepted:.2f} s")
    guard = InventoryGuard.from_settings(settings)
    worker = BulkWorker(engine, settings, guard=guard)
    chunks = 0
    while await worker.run_once():
        chunks += 1
    async with sessions() as session:
        done = await session.scalar(sa.select(sa.func.sum(models.BulkOperation.done_count)))
    assert done == len(orders), f"{done} of {len(orders)} done after {chunks} chunks"
    print(f"  {chunks} chunks of {settings.bulk_chunk_size}")
    return time.perf_counter() - started


async def bench(server_url: str, orders: int, per_call: int, lines: int) -> None:
    async with scratch_database(server_url, "bench_bulk_import") as url:
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        companies = await reference_data(sessions)
        calls = [payload(first, min(per_call, orders - first), lines)
                 for first in range(0, orders, per_call)]  # fmt: skip
        print(f"importing {orders} orders of {lines} lines, {per_call} per call")
        first = sum(await import_all(sessions, companies, calls))
        print(f"created:   {orders} orders in {first:.2f} s = {orders / first:,.0f} orders/s")
        print("importing the same payloads again (every order UNCHANGED)")
        again = sum(await import_all(sessions, companies, calls))
        print(f"unchanged: {orders} orders in {again:.2f} s = {orders / again:,.0f} orders/s")
        print("the same orders (another source) through a background job: startBulkImport")
        job = await in_background(engine, sessions, companies, payload(0, orders, lines, "JOB"))
        print(f"job:       {orders} orders in {job:.2f} s = {orders / job:,.0f} orders/s")
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--per-call", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=5)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = normalise_dsn(os.environ["DATABASE_URL"])
        asyncio.run(bench(server, args.orders, args.per_call, args.lines))
        return
    with tempfile.TemporaryDirectory() as data:
        embedded = EmbeddedPostgres(Path(data) / "pg")
        try:
            asyncio.run(bench(embedded.start(), args.orders, args.per_call, args.lines))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
