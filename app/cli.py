"""The `orders-api` command: serve, migrate, seed-demo, export-schema."""

import argparse
import asyncio
import sys
import time
from pathlib import Path

from app.settings import Settings, get_settings


def serve(settings: Settings, _: argparse.Namespace) -> None:
    import uvicorn

    from app.main import create_app
    from app.observability import configure_logging

    configure_logging(settings.log_level)
    embedded = f"embedded PostgreSQL in {settings.embedded_pg_dir}"
    where = "DATABASE_URL" if settings.database_url else embedded
    print(f"orders-api: GraphiQL at http://{settings.host}:{settings.port}/graphql ({where})")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,
    )


def migrate(settings: Settings, _: argparse.Namespace) -> None:
    from app.lifespan import database
    from db.migrate import upgrade

    with database(settings) as database_url:
        upgrade(database_url)
    print("orders-api: database is at the latest migration")


def seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    from app.lifespan import database
    from db.migrate import upgrade
    from db.seed_demo import seed_demo as fill

    with database(settings) as database_url:
        upgrade(database_url)
        started = time.perf_counter()
        summary = asyncio.run(fill(database_url, orders=args.orders, progress=print))
        print(f"orders-api: demo data in {time.perf_counter() - started:.1f}s: {summary}")


def export_schema(_: Settings, args: argparse.Namespace) -> None:
    from graphql_schema.schema import schema

    sdl = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"orders-api: schema written to {args.output}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="orders-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve GraphQL (embedded PostgreSQL without DATABASE_URL)")
    commands.add_parser("migrate", help="apply database migrations")
    seed = commands.add_parser("seed-demo", help="fill an empty database with demo data")
    seed.add_argument("--orders", type=int, default=10_000, help="how many orders (10000)")
    export = commands.add_parser("export-schema", help="print or write the GraphQL SDL")
    export.add_argument("--output", default="-", help="file to write, or - for stdout")
    args = parser.parse_args(argv)
    handlers = {
        "serve": serve,
        "migrate": migrate,
        "seed-demo": seed_demo,
        "export-schema": export_schema,
    }
    handlers[args.command](get_settings(), args)
