"""Export benchmark: 20,000 orders of 5 lines to XML and JSON Lines, with the process's memory.

Not a test. It fills a fresh database (DATABASE_URL's server, or an embedded PostgreSQL when
unset) through bulkImportOrders, then writes every order with the exporter the startOrderExport
job and `orders-api export` use, sampling the resident set size after every page: memory must
stay flat however many orders there are.

    python bench/bench_export.py [--orders 20000] [--lines 5] [--page-size 500]
"""

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.export_worker import stream_orders
from app.settings import normalise_dsn
from bench.bench_bulk_import import import_all, payload, reference_data
from db.embedded import EmbeddedPostgres
from db.engine import make_engine, make_sessionmaker
from db.queries.orders import OrderListFilter
from db.scratch import scratch_database

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    """The resident set size now (not the peak, which the import before would dominate)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


async def export_once(engine, companies, format: str, folder: Path, page_size: int) -> None:
    path = folder / f"bench.{format.lower()}"
    samples: list[float] = []

    async def progress(done: int, total: int) -> None:
        samples.append(rss_mib())

    before = rss_mib()
    started = time.perf_counter()
    written = await stream_orders(
        engine, format=format, list_filter=OrderListFilter(), company_ids=companies,
        path=path, page_size=page_size, progress=progress,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = rss_mib()
    first_pages = max(samples[1:4])  # the RSS once the first pages are in memory
    print(
        f"{format:5}: {written} orders in {seconds:.2f} s = {written / seconds:,.0f} orders/s,"
        f" file {path.stat().st_size / 2**20:.1f} MiB; RSS before {before:.1f} MiB,"
        f" after the first pages {first_pages:.1f}, highest {max(samples):.1f},"
        f" after {after:.1f} MiB"
    )


async def bench(server_url: str, orders: int, lines: int, page_size: int) -> None:
    async with scratch_database(server_url, "bench_export") as url:
        engine = make_engine(url, statement_timeout_s=60)
        sessions = make_sessionmaker(engine)
        companies = await reference_data(sessions)
        calls = [payload(first, min(1000, orders - first), lines)
                 for first in range(0, orders, 1000)]  # fmt: skip
        print(f"filling: {orders} orders of {lines} lines through bulkImportOrders")
        await import_all(sessions, companies, calls)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the fill: {peak:.0f} MiB")
        with tempfile.TemporaryDirectory() as folder:
            for format in ("JSONL", "XML", "JSONL", "XML"):
                await export_once(engine, companies, format, Path(folder), page_size)
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = normalise_dsn(os.environ["DATABASE_URL"])
        asyncio.run(bench(server, args.orders, args.lines, args.page_size))
        return
    with tempfile.TemporaryDirectory() as data:
        embedded = EmbeddedPostgres(Path(data) / "pg")
        try:
            asyncio.run(bench(embedded.start(), args.orders, args.lines, args.page_size))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
