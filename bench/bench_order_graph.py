"""Order-graph benchmark: the nested 50-order page, our server against PostGraphile.

Not a test. It makes a fresh database (on DATABASE_URL's server, or an embedded PostgreSQL when
that is unset), fills it with `seed-demo` (10,000 orders of about 5 lines), then serves the same
query, one server at a time on the same data and cores, and loads each with wrk:

- `orders-api serve` with the compiled read path (the default),
- `orders-api serve` with COMPILED_READS_ENABLED=false (the DataLoader reference path),
- PostGraphile 4 (`npm ci --prefix bench/postgraphile` installs it), which answers the query
  with one SQL statement.

It prints requests per second and each server's ratio to PostGraphile, measured in this one run.
Before loading, it checks that our answer and PostGraphile's hold the same orders and lines.

    python bench/bench_order_graph.py [--seconds 10] [--connections 8] [--orders 10000]
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.api_keys import issue_key
from app.settings import normalise_dsn
from db.embedded import EmbeddedPostgres
from db.engine import make_engine, make_sessionmaker
from db.scratch import scratch_database
from db.seed_demo import asyncpg_dsn, seed_demo

OURS = """
query Graph {
  orders(first: 50, orderBy: ORDERED_AT_DESC) {
    edges { node {
      id number status orderedAt totalAmount currency
      client { name taxId } agent { name } season { code description } company { code name }
      lines { position quantity unitPrice amount product { code name unitsPerPackage } }
    } }
  }
}
"""
POSTGRAPHILE = """
query Graph {
  allOrders(first: 50, orderBy: [ORDERED_AT_DESC, ID_DESC]) {
    edges { node {
      id number status orderedAt totalAmount currency
      partnerByClientId { name taxId } partnerByAgentId { name }
      seasonBySeasonId { code description } companyByCompanyId { code name }
      orderLinesByOrderIdList(orderBy: POSITION_ASC) {
        position quantity unitPrice amount productByProductId { code name unitsPerPackage }
      }
    } }
  }
}
"""
ROOT = Path(__file__).resolve().parents[1]
POSTGRAPHILE_BIN = ROOT / "bench" / "postgraphile" / "node_modules" / ".bin" / "postgraphile"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
"""


async def admin_key(url: str) -> str:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        key = await issue_key(session, name="bench", company_codes=None, scopes=["admin"])
    await engine.dispose()
    return key.plain


@contextmanager
def running(command: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    """A server process, from the moment it answers `url` until the block ends."""
    process = subprocess.Popen(
        command, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _headers(key: str | None) -> dict[str, str]:
    """PostGraphile, without a JWT secret, refuses requests that carry a bearer token."""
    return {"Authorization": f"Bearer {key}"} if key else {}


def answer(url: str, query: str, key: str | None) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query}, headers=_headers(key), timeout=30)
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]  # type: ignore[no-any-return]


def load(url: str, query: str, key: str | None, seconds: int, connections: int) -> float:
    """Requests per second that wrk sustains, after a warm-up of the same length."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT.format(body=json.dumps(json.dumps({"query": query}))))
        for name, value in _headers(key).items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
        script.flush()
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url]
        subprocess.run(command, check=True, capture_output=True)  # warm-up
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(output)
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found is not None, output
    return float(found[1])


def same_page(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """The two queries ask for the same orders and lines: numbers and line positions agree."""

    def shape(edges: list[dict[str, Any]], lines: str) -> list[tuple[str, list[int]]]:
        return [(e["node"]["number"], [li["position"] for li in e["node"][lines]]) for e in edges]

    mine = shape(ours["orders"]["edges"], "lines")
    other = shape(theirs["allOrders"]["edges"], "orderLinesByOrderIdList")
    if mine != other:
        raise RuntimeError("our page and PostGraphile's differ: the queries are not the same")


async def bench(server_url: str, args: argparse.Namespace) -> None:
    """A scratch database with the demo data, measured; the servers block this script alone."""
    async with scratch_database(server_url, "bench_order_graph") as url:
        print(f"seeding {args.orders} demo orders")
        await seed_demo(asyncpg_dsn(url), orders=args.orders)
        measure(asyncpg_dsn(url), await admin_key(url), args)


def measure(dsn: str, key: str, args: argparse.Namespace) -> None:
    serve = [str(Path(sys.executable).with_name("orders-api")), "serve"]
    ours_env = {
        "DATABASE_URL": dsn,
        "PORT": str(args.port),
        "LOG_LEVEL": "warning",
        "BULK_WORKER_ENABLED": "false",
        "RATE_LIMIT_CAPACITY": "1000000000",
        "RATE_LIMIT_RESTORE_RATE": "1000000000",
    }
    ours_url = f"http://127.0.0.1:{args.port}/graphql"
    rates: dict[str, float] = {}
    for label, compiled in (("compiled", "true"), ("reference", "false")):
        env = ours_env | {"COMPILED_READS_ENABLED": compiled}
        with running(serve, env, f"http://127.0.0.1:{args.port}/healthz"):
            ours = answer(ours_url, OURS, key)
            rates[label] = load(ours_url, OURS, key, args.seconds, args.connections)
            print(f"orders-api ({label}): {rates[label]:,.1f} requests/s")
    if not POSTGRAPHILE_BIN.exists():
        print(f"PostGraphile is not installed: npm ci --prefix {POSTGRAPHILE_BIN.parents[2]}")
        return
    port = str(args.port + 1)
    command = [str(POSTGRAPHILE_BIN), "-c", dsn, "--schema", "public", "--host",
               "127.0.0.1", "--port", port, "--disable-query-log",
               "--simple-collections", "both"]  # fmt: skip
    theirs_url = f"http://127.0.0.1:{port}/graphql"
    with running(command, {}, f"http://127.0.0.1:{port}/graphiql"):
        same_page(ours, answer(theirs_url, POSTGRAPHILE, None))
        rates["postgraphile"] = load(theirs_url, POSTGRAPHILE, None, args.seconds, args.connections)
        print(f"PostGraphile: {rates['postgraphile']:,.1f} requests/s")
    for label in ("compiled", "reference"):
        print(f"{label} / PostGraphile = {rates[label] / rates['postgraphile']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load per server, after warm-up")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=18700)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if os.environ.get("DATABASE_URL"):
        asyncio.run(bench(normalise_dsn(os.environ["DATABASE_URL"]), args))
        return
    with tempfile.TemporaryDirectory() as data:
        embedded = EmbeddedPostgres(Path(data) / "pg")
        try:
            asyncio.run(bench(embedded.start(), args))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
