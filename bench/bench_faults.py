"""Fault benchmark: PostgreSQL restarted under 16 writers; what clients were told, what is true.

Not a test. It starts its own embedded PostgreSQL (it must restart it), the inventory as its own
process (`orders-api inventory serve`) and the order server (`orders-api serve`), then runs 16
writers that each create an order (with an Idempotency-Key, retried with the same key on 503 or
a transport error) and confirm it. Midway it restarts PostgreSQL. It reports the answers by
code, how long writes failed after the restart, whether every acknowledged order is present
with its lines, and the stock holds left for orders that do not hold (after the reconciler ran).

    python bench/bench_faults.py [--seconds 20] [--writers 16]
"""

import argparse
import asyncio
import collections
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import from_base64, to_base64

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.api_keys import issue_key
from db import models
from db.embedded import EmbeddedPostgres
from db.engine import make_engine
from db.migrate import upgrade_async
from db.queries import stock as stock_queries

CREATE = """mutation C($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } errors { code } } }"""
CONFIRM = """mutation F($input: ConfirmOrderInput!) {
  confirmOrder(input: $input) { order { status } errors { code } } }"""
RECONCILE_S = 2


async def shop(url: str) -> tuple[str, str, list[str], str]:
    engine = make_engine(url, pool_size=1)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        company = models.Company(code="FAULT", name="Fault S.A.C.", tax_rate=Decimal("0.18"))
        session.add(company)
        await session.flush()
        client = models.Partner(company_id=company.id, code="C1", name="Client", roles=["CLIENT"])
        products = [
            models.Product(company_id=company.id, code=f"P{n}", name=f"P{n}", list_price=Decimal(1))
            for n in range(20)
        ]
        session.add_all([client, *products])
        await session.flush()
        session.add_all(models.StockItem(product_id=p.id, on_hand=1_000_000) for p in products)
        await session.commit()
        key = await issue_key(session, name="fault", company_codes=None, scopes=["admin"])
        gids = [to_base64("Product", p.id) for p in products]
        ids = (to_base64("Company", company.id), to_base64("Client", client.id))
    await engine.dispose()
    return ids[0], ids[1], gids, key.plain


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)


async def until_ready(url: str) -> None:
    async with httpx.AsyncClient(timeout=2) as http:
        for _ in range(600):
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} never became ready")


class Writers:
    def __init__(self, http: httpx.AsyncClient, company: str, client: str, products: list[str]):
        self.http, self.company, self.client, self.products = http, company, client, products
        self.codes: collections.Counter[str] = collections.Counter()
        self.acknowledged: list[str] = []  # order ids a client was told were created
        self.failures: list[float] = []  # when a write was refused or lost
        self.n = 0

    async def post(self, query: str, variables: dict, key: str) -> tuple[str, dict | None]:
        try:
            response = await self.http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"idempotency-key": key},
            )
        except httpx.TransportError as error:
            return f"transport:{type(error).__name__}", None
        body = response.json()
        top = [e.get("extensions", {}).get("code", "?") for e in body.get("errors", [])]
        payload = next(iter((body.get("data") or {}).values()), None)
        own = [e["code"] for e in (payload or {}).get("errors", [])]
        return (top or own or ["OK"])[0], payload

    async def one(self) -> None:
        self.n += 1
        line = {"productId": self.products[self.n % len(self.products)], "quantity": 1}
        number = f"F-{uuid.uuid4().hex[:12]}"
        variables = {
            "input": {
                "companyId": self.company,
                "clientId": self.client,
                "number": number,
                "lines": [line],
            }
        }
        key = f"create-{number}"
        for _ in range(20):  # the same key: a retry can never make a second order
            code, payload = await self.post(CREATE, variables, key)
            self.codes[f"create {code}"] += 1
            if code == "OK" and payload and payload.get("order"):
                self.acknowledged.append(payload["order"]["id"])
                break
            self.failures.append(time.monotonic())
            await asyncio.sleep(0.2)
        else:
            return
        order = self.acknowledged[-1]
        code, _ = await self.post(CONFIRM, {"input": {"id": order}}, f"confirm-{number}")
        self.codes[f"confirm {code}"] += 1
        if code != "OK":
            self.failures.append(time.monotonic())

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            await self.one()


async def bench(seconds: float, writers: int, data: Path) -> None:
    postgres = EmbeddedPostgres(data / "pg")
    url = postgres.start()
    print("embedded PostgreSQL up; migrating and seeding", flush=True)
    await upgrade_async(url)
    company, client, products, key = await shop(url)
    port, inventory_port = free_port(), free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "PORT": str(port),
        "INVENTORY_PORT": str(inventory_port),
        "INVENTORY_URL": f"http://127.0.0.1:{inventory_port}",
        "RECONCILE_INTERVAL_S": str(RECONCILE_S),
        "IDEMPOTENCY_WAIT_S": "5",
        "IDEMPOTENCY_LEASE_S": "5",  # a retry takes over a first request that died after this
        "BULK_WORKER_ENABLED": "false",
        "LOG_LEVEL": "warning",
    }
    cli = str(Path(sys.executable).with_name("orders-api"))
    inventory = start([cli, "inventory", "serve"], env, data / "inventory.log")
    server = start([cli, "serve"], env, data / "serve.log")
    try:
        await until_ready(f"http://127.0.0.1:{inventory_port}/healthz")
        await until_ready(f"http://127.0.0.1:{port}/readyz")
        print(f"inventory and server up; {writers} writers for {seconds:.0f} s", flush=True)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"authorization": f"Bearer {key}"},
            timeout=30,
            limits=httpx.Limits(max_connections=writers),
        ) as http:
            crowd = Writers(http, company, client, products)
            until = time.monotonic() + seconds
            running = [asyncio.create_task(crowd.run(until)) for _ in range(writers)]
            await asyncio.sleep(seconds / 3)
            restart_began = time.monotonic()
            await asyncio.to_thread(postgres.stop)
            await asyncio.to_thread(postgres.start)
            restarted = time.monotonic()
            print(f"PostgreSQL restarted after {restarted - restart_began:.1f} s", flush=True)
            async with asyncio.timeout(seconds * 4):
                await asyncio.gather(*running)
            await asyncio.sleep(RECONCILE_S * 2)  # let the reconciler sweep once at least
            ready = (await http.get("/readyz")).json()
        after = [t for t in crowd.failures if t >= restart_began]
        await report(url, crowd, restarted - restart_began, after, restart_began, ready)
    finally:
        for log in ("serve.log", "inventory.log"):
            lines = (data / log).read_text(errors="replace").splitlines()
            levels = collections.Counter(
                line.split()[2] for line in lines if line[:2] == "20" and len(line.split()) > 2
            )
            errors = collections.Counter(line[24:140] for line in lines if " ERROR " in line)
            print(f"{log}: log lines by level {dict(levels)}")
            for line, count in errors.most_common(5):
                print(f"  {count} x {line}")
        for process in (server, inventory):
            process.send_signal(signal.SIGTERM)
        for process in (server, inventory):
            process.wait(timeout=60)
        postgres.stop()


async def report(url, crowd, restart_s, after, began, ready) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url, pool_size=1)
    async with AsyncSession(engine) as session:
        ids = [int(from_base64(gid)[1]) for gid in crowd.acknowledged]
        present = await session.scalar(
            sa.select(sa.func.count(sa.distinct(models.Order.id)))
            .join(models.OrderLine, models.OrderLine.order_id == models.Order.id)
            .where(models.Order.id.in_(ids))
        )
        stray = await stock_queries.holds_without_open_order(session)
        copies = await session.scalar(sa.select(sa.func.count()).select_from(models.Order))
    await engine.dispose()
    print(f"PostgreSQL restart took {restart_s:.1f} s")
    for code, count in sorted(crowd.codes.items()):
        print(f"  {code}: {count}")
    recovery = (max(after) - began) if after else 0.0
    print(f"writes failing after the restart began: {len(after)}, the last {recovery:.1f} s in")
    print(f"acknowledged and present with lines: {present} of {len(ids)} (orders in all: {copies})")
    print(f"stray reservations after the reconciler: {len(stray)} (readyz: {ready})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--writers", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        asyncio.run(bench(args.seconds, args.writers, Path(data)))


if __name__ == "__main__":
    main()
