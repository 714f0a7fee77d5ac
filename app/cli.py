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


def inventory_serve(settings: Settings, _: argparse.Namespace) -> None:
    import uvicorn

    from app.inventory.http_app import create_inventory_app
    from app.lifespan import database
    from app.observability import configure_logging
    from db.migrate import upgrade

    configure_logging(settings.log_level)
    with database(settings) as database_url:
        upgrade(database_url)
        print(f"orders-api: inventory at http://{settings.host}:{settings.inventory_port}/v1")
        uvicorn.run(
            create_inventory_app(database_url),
            host=settings.host,
            port=settings.inventory_port,
            log_level=settings.log_level,
            log_config=None,
        )


def inventory_reconcile(settings: Settings, _: argparse.Namespace) -> None:
    from app.inventory.reconcile import release_orphans
    from app.lifespan import database
    from db.engine import make_engine, make_sessionmaker

    async def run(database_url: str) -> dict[int, dict[int, int]]:
        engine = make_engine(database_url, pool_size=1)
        try:
            async with make_sessionmaker(engine)() as session:
                return await release_orphans(session)
        finally:
            await engine.dispose()

    with database(settings) as database_url:
        released = asyncio.run(run(database_url))
    for order_id, quantities in released.items():
        print(f"order {order_id}: released {quantities}")
    print(f"orders-api: {len(released)} orphaned reservation(s) released")


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
    inventory = commands.add_parser("inventory", help="the inventory service")
    inventory_commands = inventory.add_subparsers(dest="inventory_command", required=True)
    inventory_commands.add_parser("serve", help="serve the inventory over HTTP (INVENTORY_PORT)")
    inventory_commands.add_parser("reconcile", help="release reservations with no open order")
    export = commands.add_parser("export-schema", help="print or write the GraphQL SDL")
    export.add_argument("--output", default="-", help="file to write, or - for stdout")
    args = parser.parse_args(argv)
    handlers = {
        "serve": serve,
        "migrate": migrate,
        "seed-demo": seed_demo,
        "export-schema": export_schema,
    }
    if args.command == "inventory":
        handlers = {"serve": inventory_serve, "reconcile": inventory_reconcile}
        handlers[args.inventory_command](get_settings(), args)
        return
    handlers[args.command](get_settings(), args)
