"""Ours against PostGraphile, all servers up at once, loaded in interleaved rounds (issue 10).

Not a test: it measures and asserts no speed, only that nothing failed (it exits 1 when a
request failed, a GraphQL error came back, or a server logged an ERROR).

It makes a fresh database (on DATABASE_URL's server, or an embedded PostgreSQL when that is
unset), fills it with `orders-api seed-demo`, creates an admin key with `orders-api keys create
--all-companies --scopes admin`, then starts, all at once on their own ports:

- `orders-api serve` (one process),
- `orders-api serve --workers 2`,
- PostGraphile 4 in production mode (NODE_ENV=production, no GraphiQL, no query log; one
  process; `npm ci --prefix bench/postgraphile` installs it).

After a discarded warm-up of every target and query, each round loads every target with every
query in turn (the targets' order rotates from round to round), with wrk (16 connections, a Lua
script for the POST bodies and the key; its `done()` prints requests, p99 and errors as JSON):

1. `page`: the nested 50-order page (`bench_order_graph.OURS` and its PostGraphile equivalent);
2. `order`: one order by id with client, agent, season, company, lines and products (ours
   `order(id:)`, PostGraphile `orderById`), cycling over 200 seeded orders;
3. `writes` (ours only: PostGraphile has no equivalent): 16 asyncio tasks, each creating an
   order of one line (a product with free stock) and confirming it, for the same duration;
   the figure is confirmed orders per second. The orders are dated 2001-01-01, so the page of
   the 50 newest orders stays the same from round to round.

Before loading, it checks that both servers answer the same page and the same 200 orders. It
prints every run, then per query the medians over the rounds, ours / PostGraphile for 1 and for
2 workers, and the p99 latencies.

    python bench/bench_vs_postgraphile.py [--seconds 10] [--rounds 3] [--warmup 5]
        [--connections 16] [--writers 16] [--orders 10000] [--port 18800]
"""

import argparse
import asyncio
import collections
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from strawberry.relay import to_base64

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_order_graph import OURS, POSTGRAPHILE, POSTGRAPHILE_BIN, same_page

from app.settings import normalise_dsn
from db.embedded import EmbeddedPostgres
from db.scratch import scratch_database
from db.seed_demo import asyncpg_dsn

ORDER_FIELDS = """
      id number status orderedAt totalAmount currency
      {client} {{ name taxId }} {agent} {{ name }} {season} {{ code description }}
      {company} {{ code name }}
      {lines} {{ position quantity unitPrice amount {product} {{ code name unitsPerPackage }} }}
"""
OURS_ORDER = "query One($id: ID!) {{ order(id: $id) {{ {} }} }}".format(
    ORDER_FIELDS.format(
        client="client", agent="agent", season="season", company="company", lines="lines",
        product="product",
    )
)  # fmt: skip
POSTGRAPHILE_ORDER = "query One($id: Int!) {{ orderById(id: $id) {{ {} }} }}".format(
    ORDER_FIELDS.format(
        client="partnerByClientId", agent="partnerByAgentId", season="seasonBySeasonId",
        company="companyByCompanyId", lines="orderLinesByOrderIdList(orderBy: POSITION_ASC)",
        product="productByProductId",
    )
)  # fmt: skip
CREATE = """mutation C($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } errors { code message } } }"""
CONFIRM = """mutation F($input: ConfirmOrderInput!) {
  confirmOrder(input: $input) { order { status } errors { code message } } }"""
ORDERED_AT = "2001-01-01T00:00:00Z"  # older than every seeded order: the newest page stays put
ORDER_SAMPLE = 200  # orders the `order` query cycles over
MIN_FREE_STOCK = 100  # products the writers order from have at least this much free
CLI = str(Path(sys.executable).with_name("orders-api"))

# wrk: one body per request, cycling; GraphQL errors counted per thread; done() prints JSON.
WRK_LUA = """
local bodies = {{ {bodies} }}
local n = 0
local threads = {{}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{headers}
function setup(thread) table.insert(threads, thread) end
function init(args) graphql_errors = 0 end
function request()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
function response(status, headers, body)
  if string.find(body, '"errors":', 1, true) then graphql_errors = graphql_errors + 1 end
end
function done(summary, latency, requests)
  local graphql = 0
  for _, thread in ipairs(threads) do graphql = graphql + thread:get("graphql_errors") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"graphql_errors": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, graphql))
end
"""


@dataclass
class Target:
    name: str
    port: int
    key: str | None  # PostGraphile, without a JWT secret, refuses a bearer token
    ours: bool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}


@dataclass
class Run:
    rate: float  # requests/s, or confirmed orders/s for `writes`
    p99_ms: float
    failures: list[str] = field(default_factory=list)


@dataclass
class Shop:
    """What the writers order: (company, client, product) global ids, cycled."""

    picks: list[tuple[str, str, str]]
    n: int = 0

    def next(self) -> tuple[str, str, str]:
        self.n += 1
        return self.picks[self.n % len(self.picks)]


def run_cli(args: list[str], dsn: str) -> str:
    done = subprocess.run(
        [CLI, *args], env=os.environ | {"DATABASE_URL": dsn}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"orders-api {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def admin_key(dsn: str) -> str:
    out = run_cli(
        ["keys", "create", "--all-companies", "--scopes", "admin", "--name", "bench"], dsn
    )
    keys = [line.strip() for line in out.splitlines() if line.strip().startswith("oak_")]
    if len(keys) != 1:
        raise RuntimeError(f"no key in `orders-api keys create`'s output:\n{out}")
    return keys[0]


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        return subprocess.Popen(
            command, env=os.environ | env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


@asynccontextmanager
async def server(
    name: str, command: list[str], env: dict[str, str], ready: Callable[[], Any], logs: Path
) -> AsyncIterator[Path]:
    """A server process (its own session, so its workers go with it), until the block ends."""
    log = logs / f"{name}.log"
    process = spawn(command, env, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                await ready()
                break
            except (httpx.TransportError, httpx.HTTPStatusError):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} did not start:\n{tail}") from None
                await asyncio.sleep(0.3)
        yield log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group of the process started here
            process.wait()


async def post(http: httpx.AsyncClient, target: Target, query: str, variables: dict) -> Any:
    response = await http.post(
        target.url, json={"query": query, "variables": variables}, headers=target.headers()
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{target.name}: {response.status_code} {body}")
    return body["data"]


async def wrk(target: Target, bodies: list[str], seconds: float, args: argparse.Namespace) -> Run:
    def lua_string(text: str) -> str:
        assert "]==]" not in text
        return f"[==[{text}]==]"

    headers = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in target.headers().items())
    script = WRK_LUA.format(bodies=", ".join(map(lua_string, bodies)), headers=headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s",
                   "--timeout", "10s", "-s", lua.name, target.url]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
    text = out.decode()
    found = [line for line in text.splitlines() if line.startswith("WRK_JSON ")]
    if process.returncode != 0 or not found:
        return Run(0.0, 0.0, [f"wrk failed ({process.returncode}): {text} {err.decode()}"])
    figures = json.loads(found[-1].removeprefix("WRK_JSON "))
    failures = [
        f"{figures[kind]} {kind} errors"
        for kind in ("connect", "read", "write", "status", "timeout", "graphql_errors")
        if figures[kind]
    ]
    if not figures["requests"]:
        failures.append("no request answered")
    rate = figures["requests"] / (figures["duration_us"] / 1e6)
    return Run(rate, figures["p99_us"] / 1000, failures)


async def write_mix(target: Target, shop: Shop, seconds: float, writers: int) -> Run:
    """`writers` tasks, each creating then confirming one-line orders until the time is up."""
    codes: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    confirmed = 0

    async def outcome(http: httpx.AsyncClient, query: str, variables: dict) -> tuple[str, Any]:
        try:
            response = await http.post(target.url, json={"query": query, "variables": variables})
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            return f"transport {type(error).__name__}", None
        top = [e.get("extensions", {}).get("code", "?") for e in body.get("errors") or []]
        payload = next(iter((body.get("data") or {}).values()), None) or {}
        own = [e["code"] for e in payload.get("errors") or []]
        if response.status_code != 200 and not top:
            top = [f"HTTP {response.status_code}"]
        return (top or own or ["OK"])[0], payload

    async def writer(http: httpx.AsyncClient, until: float) -> None:
        nonlocal confirmed
        while time.monotonic() < until:
            company, client, product = shop.next()
            order = {
                "companyId": company, "clientId": client, "orderedAt": ORDERED_AT,
                "number": f"BENCH-{uuid.uuid4().hex[:16]}",
                "lines": [{"productId": product, "quantity": 1}],
            }  # fmt: skip
            started = time.perf_counter()
            code, payload = await outcome(http, CREATE, {"input": order})
            codes[f"createOrder {code}"] += 1
            if code != "OK" or not payload.get("order"):
                continue
            code, _ = await outcome(http, CONFIRM, {"input": {"id": payload["order"]["id"]}})
            codes[f"confirmOrder {code}"] += 1
            if code == "OK":
                confirmed += 1
                latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(
        headers=target.headers(), timeout=30,
        limits=httpx.Limits(max_connections=writers, max_keepalive_connections=writers),
    ) as http:  # fmt: skip
        began = time.monotonic()
        await asyncio.gather(*(writer(http, began + seconds) for _ in range(writers)))
        elapsed = time.monotonic() - began
    failures = [f"{count} x {code}" for code, count in sorted(codes.items()) if "OK" not in code]
    if not confirmed:
        failures.append("no order confirmed")
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else 0.0
    return Run(confirmed / elapsed, p99 * 1000, failures)


async def check_same_answers(ours: Target, theirs: Target, order_ids: list[int]) -> None:
    """Both servers hold the same page and the same orders: else the comparison means nothing."""
    async with httpx.AsyncClient(timeout=60) as http:
        same_page(await post(http, ours, OURS, {}), await post(http, theirs, POSTGRAPHILE, {}))

        def shape(order: dict[str, Any], client: str, lines: str, product: str) -> tuple:
            return (
                order["number"], order["totalAmount"], order[client]["name"],
                [(li["position"], li["quantity"], li[product]["code"]) for li in order[lines]],
            )  # fmt: skip

        for order_id in order_ids:
            mine = await post(http, ours, OURS_ORDER, {"id": to_base64("Order", order_id)})
            other = await post(http, theirs, POSTGRAPHILE_ORDER, {"id": order_id})
            a = shape(mine["order"], "client", "lines", "product")
            b = shape(other["orderById"], "partnerByClientId", "orderLinesByOrderIdList",
                      "productByProductId")  # fmt: skip
            if a != b:
                raise RuntimeError(f"order {order_id} differs:\nours   {a}\ntheirs {b}")


async def pick(dsn: str) -> tuple[list[int], Shop]:
    """Seeded orders for the `order` query, and (company, client, product) for the writers."""
    conn = await asyncpg.connect(dsn)
    try:
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM orders ORDER BY id")]
        clients = await conn.fetch(
            "SELECT company_id, id FROM partners WHERE active AND 'CLIENT' = ANY(roles) ORDER BY id"
        )
        products = await conn.fetch(
            "SELECT p.company_id, p.id FROM products p JOIN stock_items s ON s.product_id = p.id"
            " WHERE p.active AND s.on_hand - s.reserved >= $1 ORDER BY p.id",
            MIN_FREE_STOCK,
        )
    finally:
        await conn.close()
    by_company: dict[int, list[int]] = collections.defaultdict(list)
    for row in clients:
        by_company[row["company_id"]].append(row["id"])
    picks = [
        (
            to_base64("Company", row["company_id"]),
            to_base64(
                "Client", by_company[row["company_id"]][n % len(by_company[row["company_id"]])]
            ),
            to_base64("Product", row["id"]),
        )
        for n, row in enumerate(products)
        if by_company[row["company_id"]]
    ]
    rng = random.Random(10)
    rng.shuffle(picks)
    return sorted(rng.sample(ids, min(ORDER_SAMPLE, len(ids)))), Shop(picks)


def bodies(target: Target, query: str, order_ids: list[int]) -> list[str]:
    if query == "page":
        return [json.dumps({"query": OURS if target.ours else POSTGRAPHILE})]
    if target.ours:
        return [json.dumps({"query": OURS_ORDER, "variables": {"id": to_base64("Order", i)}})
                for i in order_ids]  # fmt: skip
    return [json.dumps({"query": POSTGRAPHILE_ORDER, "variables": {"id": i}}) for i in order_ids]


async def bench(server_url: str, args: argparse.Namespace) -> int:
    async with scratch_database(server_url, "bench_vs_postgraphile") as url:
        dsn = asyncpg_dsn(url)
        print(f"seeding {args.orders} demo orders (orders-api seed-demo)", flush=True)
        started = time.perf_counter()
        run_cli(["seed-demo", "--orders", str(args.orders)], dsn)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
        key = admin_key(dsn)
        order_ids, shop = await pick(dsn)
        print(f"writers order from {len(shop.picks)} products with >= {MIN_FREE_STOCK} free")
        with tempfile.TemporaryDirectory() as logs:
            return await measure(dsn, key, order_ids, shop, Path(logs), args)


async def measure(
    dsn: str, key: str, order_ids: list[int], shop: Shop, logs: Path, args: argparse.Namespace
) -> int:
    ours_env = {
        "DATABASE_URL": dsn,
        "LOG_LEVEL": "warning",
        "BULK_WORKER_ENABLED": "false",
        "RATE_LIMIT_CAPACITY": "1000000000",
        "RATE_LIMIT_RESTORE_RATE": "1000000000",
    }
    one = Target("ours 1w", args.port, key, ours=True)
    two = Target("ours 2w", args.port + 1, key, ours=True)
    theirs = Target("PostGraphile", args.port + 2, None, ours=False)
    targets = [one, two, theirs]

    def probe(target: Target) -> Callable[[], Any]:
        async def ready() -> None:
            async with httpx.AsyncClient(timeout=2) as http:
                response = await http.post(
                    target.url, json={"query": "{ __typename }"}, headers=target.headers()
                )
                response.raise_for_status()

        return ready

    postgraphile = [
        str(POSTGRAPHILE_BIN), "-c", dsn, "--schema", "public", "--host", "127.0.0.1",
        "--port", str(theirs.port), "--disable-query-log", "--disable-graphiql",
        "--simple-collections", "both",
    ]  # fmt: skip
    async with AsyncExitStack() as stack:
        our_logs = [
            await stack.enter_async_context(
                server("ours-1w", [CLI, "serve"], ours_env | {"PORT": str(one.port)},
                       probe(one), logs)
            ),
            await stack.enter_async_context(
                server("ours-2w", [CLI, "serve", "--workers", "2"],
                       ours_env | {"PORT": str(two.port)}, probe(two), logs)
            ),
        ]  # fmt: skip
        await stack.enter_async_context(
            server("postgraphile", postgraphile, {"NODE_ENV": "production"}, probe(theirs), logs)
        )
        print("all three servers up; checking both answer the same page and orders", flush=True)
        await check_same_answers(one, theirs, order_ids)
        await check_same_answers(two, theirs, order_ids[:20])

        async def run(target: Target, query: str, seconds: float) -> Run:
            if query == "writes":
                return await write_mix(target, shop, seconds, args.writers)
            return await wrk(target, bodies(target, query, order_ids), seconds, args)

        def plan(targets: list[Target]) -> list[tuple[Target, str]]:
            return [(t, q) for t in targets for q in ("page", "order", "writes")
                    if t.ours or q != "writes"]  # fmt: skip

        failures: list[str] = []
        print(f"warm-up, discarded: {args.warmup:g} s per target and query", flush=True)
        for target, query in plan(targets):
            warm = await run(target, query, args.warmup)
            failures += [f"warm-up {target.name} {query}: {f}" for f in warm.failures]
        results: dict[tuple[str, str], list[Run]] = collections.defaultdict(list)
        for n in range(args.rounds):
            order = targets[n % 3 :] + targets[: n % 3]
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"round {n + 1} of {args.rounds} (load average {load})", flush=True)
            for target, query in plan(order):
                result = await run(target, query, args.seconds)
                results[(target.name, query)].append(result)
                unit = "orders/s" if query == "writes" else "requests/s"
                print(f"  {query:<6} {target.name:<12} {result.rate:9,.1f} {unit:<10}"
                      f" p99 {result.p99_ms:7.1f} ms", flush=True)  # fmt: skip
                failures += [f"round {n + 1} {target.name} {query}: {f}" for f in result.failures]
        for log in our_logs:
            text = log.read_text(errors="replace")
            errors = [
                line for line in text.splitlines() if " ERROR " in line or "Traceback" in line
            ]
            failures += [f"{log.name}: {line[:300]}" for line in errors[:5]]
    summarise(results, args)
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("\nnothing failed")
    return 0


def summarise(results: dict[tuple[str, str], list[Run]], args: argparse.Namespace) -> None:
    def median(name: str, query: str, pick: Callable[[Run], float]) -> float:
        return statistics.median(pick(run) for run in results[(name, query)])

    print(
        f"\nmedians of {args.rounds} rounds of {args.seconds:g} s, {args.connections} connections"
    )
    names = ("ours 1w", "ours 2w", "PostGraphile")
    heads = "".join(f"{h:>10}" for h in ("ours 1w", "ours 2w", "PostGr."))
    print(f"{'query':<7}{heads}{'1w/PG':>8}{'2w/PG':>8}   p99 ms: {'1w':>8}{'2w':>8}{'PG':>8}")
    for query in ("page", "order", "writes"):
        rate = {n: median(n, query, lambda r: r.rate) for n in names if (n, query) in results}
        p99 = {n: median(n, query, lambda r: r.p99_ms) for n in rate}
        theirs = rate.get("PostGraphile")
        ratios = [f"{rate[n] / theirs:>7.2f}x" if theirs else f"{'-':>8}" for n in names[:2]]
        rates = "".join(f"{rate[n]:>10,.1f}" if n in rate else f"{'-':>10}" for n in names)
        p99s = "".join(f"{p99[n]:>8.1f}" if n in p99 else f"{'-':>8}" for n in names)
        print(f"{query:<7}{rates}{''.join(ratios)}{' ' * 11}{p99s}")
    print("(requests/s; writes: confirmed orders/s, p99 of createOrder + confirmOrder;"
          f" {args.writers} writers)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="each run in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=5, help="per target and query")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=18800, help="this one and the next two")
    args = parser.parse_args()
    if args.rounds < 1:
        sys.exit("--rounds must be at least 1")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if not POSTGRAPHILE_BIN.exists():
        sys.exit(f"PostGraphile is not installed: npm ci --prefix {POSTGRAPHILE_BIN.parents[2]}")
    if os.environ.get("DATABASE_URL"):
        sys.exit(asyncio.run(bench(normalise_dsn(os.environ["DATABASE_URL"]), args)))
    with tempfile.TemporaryDirectory() as data:
        embedded = EmbeddedPostgres(Path(data) / "pg")
        try:
            code = asyncio.run(bench(embedded.start(), args))
        finally:
            embedded.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
