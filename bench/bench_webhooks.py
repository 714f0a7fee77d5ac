"""Webhook benchmark: what the outbox costs the write path, and deliveries per second.

Not a test. On a fresh database it serves `orders-api serve` (one process, webhook worker off)
and runs 8 writers that each create an order and confirm it, in rounds that alternate between a
disabled webhook endpoint and an enabled one taking every event kind (each order then writes two
outbox rows, in its own transactions); `--orders` orders each way. Then a second `orders-api
serve` with the worker on delivers that backlog to a fast receiver on loopback (it answers 204
at once), and the script reports events delivered per second until the outbox is empty.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/bench_webhooks.py
    python bench/bench_webhooks.py --orders 800 --batch 100   # or on an embedded PostgreSQL
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import sqlalchemy as sa
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.relay import to_base64

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.api_keys import issue_key
from app.settings import normalise_dsn
from db import models
from db.embedded import EmbeddedPostgres
from db.engine import make_engine
from db.scratch import scratch_database

CREATE = """mutation C($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } errors { code message } } }"""
CONFIRM = """mutation F($input: ConfirmOrderInput!) {
  confirmOrder(input: $input) { order { status } errors { code message } } }"""
ENDPOINT = """mutation E($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { webhookEndpoint { id } errors { code message } } }"""
TOGGLE = """mutation T($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { errors { code message } } }"""
ROUNDS = 4
KINDS = ["CREATED", "UPDATED", "CONFIRMED", "SHIPPED", "DELIVERED", "RETURNED", "CANCELLED"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def shop(url: str) -> tuple[str, str, list[str], str]:
    engine = make_engine(url, pool_size=1)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        company = models.Company(code="HOOKS", name="Hooks S.A.C.", tax_rate=Decimal("0.18"))
        session.add(company)
        await session.flush()
        client = models.Partner(company_id=company.id, code="C1", name="Client", roles=["CLIENT"])
        products = [
            models.Product(company_id=company.id, code=f"P{n}", name=f"P{n}", list_price=Decimal(1))
            for n in range(20)
        ]
        session.add_all([client, *products])
        await session.flush()
        session.add_all(models.StockItem(product_id=p.id, on_hand=10_000_000) for p in products)
        await session.commit()
        key = await issue_key(session, name="bench", company_codes=None, scopes=["admin"])
        gids = [to_base64("Product", p.id) for p in products]
        ids = (to_base64("Company", company.id), to_base64("Client", client.id))
    await engine.dispose()
    return ids[0], ids[1], gids, key.plain


async def serve(env: dict[str, str], log: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    command = [str(Path(sys.executable).with_name("orders-api")), "serve"]
    handle = log.open("wb")
    process = await asyncio.create_subprocess_exec(
        *command, env=os.environ | env | {"PORT": str(port)}, stdout=handle, stderr=handle
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as http:
        for _ in range(600):
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return process, url
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server did not start; see {log}")


async def write(http: httpx.AsyncClient, ids: tuple[str, str, list[str]], count: int) -> float:
    """Create and confirm `count` orders with 8 writers; orders per second."""
    company, client, products = ids
    queue = list(range(count))

    async def writer() -> None:
        while queue:
            n = queue.pop()
            order = {
                "companyId": company,
                "number": f"B-{uuid.uuid4().hex[:12]}",
                "clientId": client,
                "lines": [{"productId": products[n % len(products)], "quantity": 1}],
            }
            created = await call(http, CREATE, {"input": order}, "createOrder")
            await call(http, CONFIRM, {"input": {"id": created["order"]["id"]}}, "confirmOrder")

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    return count / (time.perf_counter() - started)


WRITERS = 8


async def call(http: httpx.AsyncClient, query: str, variables: dict, field: str) -> dict:
    answer = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    payload: dict = answer["data"][field]
    assert not payload["errors"], payload
    return payload


async def measure_writes(
    http: httpx.AsyncClient, ids: tuple[str, str, list[str]], port: int, orders: int
) -> tuple[float, float]:
    """Median orders/s with the endpoint disabled and enabled, in alternating rounds.

    Alternating lets drift (a growing table, other load on the machine) hit both alike. A
    disabled endpoint still costs the outbox's INSERT ... SELECT (it finds no row to insert),
    as a company without endpoints does.
    """
    await write(http, ids, 50)  # warm-up
    hook = f"http://127.0.0.1:{port}/hook"
    given = {"companyId": ids[0], "url": hook, "events": KINDS}
    made = await call(http, ENDPOINT, {"input": given}, "createWebhookEndpoint")
    endpoint = made["webhookEndpoint"]["id"]
    rates: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(ROUNDS):
        for enabled in (False, True):
            toggle = {"input": {"id": endpoint, "enabled": enabled}}
            await call(http, TOGGLE, toggle, "updateWebhookEndpoint")
            rates[enabled].append(await write(http, ids, orders // ROUNDS))
    return statistics.median(rates[False]), statistics.median(rates[True])


async def pending(engine) -> int:
    async with AsyncSession(engine) as session:
        statement = sa.select(sa.func.count()).where(models.WebhookDelivery.status == "PENDING")
        return int(await session.scalar(statement) or 0)


async def bench(server_url: str, orders: int, batch: int) -> None:
    async with scratch_database(server_url, "bench_webhooks") as url:
        company, client, products, key = await shop(url)
        ids = (company, client, products)
        env = {"DATABASE_URL": url, "BULK_WORKER_ENABLED": "false",
               "WEBHOOK_ALLOW_PRIVATE_URLS": "true", "LOG_LEVEL": "warning"}  # fmt: skip
        received = 0

        async def hook(request: Request) -> Response:
            nonlocal received
            await request.body()
            received += 1
            return Response(status_code=204)

        port = free_port()
        receiver = uvicorn.Server(uvicorn.Config(
            Starlette(routes=[Route("/hook", hook, methods=["POST"])]),
            host="127.0.0.1", port=port, log_level="warning", lifespan="off"))  # fmt: skip
        receiving = asyncio.create_task(receiver.serve())
        engine = make_engine(url, pool_size=1)
        with tempfile.TemporaryDirectory() as logs:
            writer, base = await serve(env | {"WEBHOOK_WORKER_ENABLED": "false"},
                                       Path(logs) / "writer.log")  # fmt: skip
            headers = {"authorization": f"Bearer {key}"}
            try:
                async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
                    without, with_one = await measure_writes(http, ids, port, orders)
            finally:
                writer.terminate()
                await writer.wait()
            print(f"create+confirm, endpoint disabled: {without:,.0f} orders/s "
                  f"({WRITERS} writers; median of {ROUNDS} rounds)")  # fmt: skip
            print(f"create+confirm, endpoint enabled:  {with_one:,.0f} orders/s "
                  f"({with_one / without:.2f}x)")  # fmt: skip
            backlog = await pending(engine)
            worker, _ = await serve(env | {"WEBHOOK_POLL_INTERVAL_S": "0.05",
                                          "WEBHOOK_BATCH_SIZE": str(batch)},
                                    Path(logs) / "worker.log")  # fmt: skip
            started = time.perf_counter()
            try:
                for _ in range(100_000):  # the outbox empties, or the script is broken
                    if not await pending(engine):
                        break
                    await asyncio.sleep(0.05)
                took = time.perf_counter() - started
            finally:
                worker.terminate()
                await worker.wait()
        receiver.should_exit = True
        await receiving
        await engine.dispose()
        assert received >= backlog, (received, backlog)
        print(f"delivered: {backlog} events in {took:.2f} s = {backlog / took:,.0f} events/s"
              f" (one process, batch {batch}; {received} requests received)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--batch", type=int, default=20, help="WEBHOOK_BATCH_SIZE of the worker")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        asyncio.run(bench(normalise_dsn(os.environ["DATABASE_URL"]), args.orders, args.batch))
        return
    with tempfile.TemporaryDirectory() as data:
        embedded = EmbeddedPostgres(Path(data) / "pg")
        try:
            asyncio.run(bench(embedded.start(), args.orders, args.batch))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
