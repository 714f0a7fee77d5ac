"""`orders-api export`: the orders as XML or JSON Lines, straight from the database, for operators.

The same writer as the startOrderExport job (one snapshot, keyset pages, constant memory),
with a progress bar; no API key is involved, as for `orders-api import`.
"""

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.settings import Settings

EXPORT_BAD_USAGE, EXPORT_STOPPED = 2, 3


def add_parser(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="export orders as XML or JSON Lines",
        description="Export orders to a file: XML (the B2B seed's <export> shape) or JSON Lines\n"
        "(one ImportOrderInput per line: `orders-api import` reads it back elsewhere).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", choices=["xml", "jsonl"], required=True)
    export.add_argument("--company", action="append", default=[], help="company code (repeat)")
    export.add_argument("--updated-since", help="only orders changed since, ISO 8601 with zone")
    export.add_argument("--output", help="file to write (default orders-export.xml or .jsonl)")


def export_orders(settings: Settings, args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError
    from tqdm import tqdm

    from app.export_files import SUFFIXES
    from app.export_worker import stream_orders
    from app.lifespan import database
    from db.engine import make_engine, make_sessionmaker
    from db.queries.api_keys import all_company_ids
    from db.queries.imports import companies_by_code
    from db.queries.orders import OrderListFilter

    format = args.format.upper()
    output = Path(args.output or f"orders-export{SUFFIXES[format]}")
    since = _instant(args.updated_since) if args.updated_since else None

    async def run(database_url: str) -> int:
        engine = make_engine(database_url, pool_size=2)
        try:
            async with make_sessionmaker(engine)() as session:
                company_ids: set[int] = set(await all_company_ids(session))
                if args.company:
                    found = await companies_by_code(session, args.company, company_ids=company_ids)
                    unknown = sorted(set(args.company) - set(found))
                    if unknown:
                        _fail(EXPORT_BAD_USAGE, f"no company with code {', '.join(unknown)}")
                    company_ids = {company.id for company in found.values()}
            bar = tqdm(unit="order", desc="exporting")

            async def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                return await stream_orders(
                    engine,
                    format=format,
                    list_filter=OrderListFilter(updated_since=since),
                    company_ids=company_ids,
                    path=output,
                    page_size=settings.export_page_size,
                    progress=progress,
                )
            finally:
                bar.close()
        finally:
            await engine.dispose()

    try:
        with database(settings) as database_url:
            written = asyncio.run(run(database_url))
    except (SQLAlchemyError, OSError) as error:
        _fail(EXPORT_STOPPED, f"the export stopped ({error}); run it again")
    print(f"orders-api: {written} orders written to {output}")


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        _fail(EXPORT_BAD_USAGE, f"--updated-since {text!r} is not ISO 8601")
    if instant.tzinfo is None:
        _fail(EXPORT_BAD_USAGE, "--updated-since needs a zone, e.g. 2025-01-01T00:00:00Z")
    return instant.astimezone(UTC)


def _fail(code: int, message: str) -> Any:
    print(f"orders-api: {message}", file=sys.stderr)
    raise SystemExit(code)
