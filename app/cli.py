"""`orders-api`: serve, migrate, seed-demo, import, export, keys, inventory, export-schema.

Settings come from the environment or a `.env` file; README.md's Settings table lists them all.
"""

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app import export_command
from app.command_support import fail, with_session
from app.settings import Settings, get_settings

T = TypeVar("T")
Command = Callable[[Settings, argparse.Namespace], None]


def serve(settings: Settings, args: argparse.Namespace) -> None:
    from app.serve import serve as run

    workers = args.workers if args.workers is not None else settings.workers
    run(settings.model_copy(update={"workers": workers}))


def keys_create(settings: Settings, args: argparse.Namespace) -> None:
    from app.api_keys import KeyRequestError, issue_key
    from app.lifespan import database

    scopes = [scope.strip() for scope in args.scopes.split(",") if scope.strip()]
    companies = None if args.all_companies else args.company
    if not companies and not args.all_companies:
        raise SystemExit("orders-api: give --company CODE (repeatable) or --all-companies")
    with database(settings) as database_url:
        try:
            issued = with_session(
                database_url,
                lambda session: issue_key(
                    session, name=args.name, company_codes=companies, scopes=scopes
                ),
            )
        except KeyRequestError as error:
            raise SystemExit(f"orders-api: {error}") from None
    print(f"key {issued.id} (shown once, keep it safe):")
    print(issued.plain)


def keys_list(settings: Settings, _: argparse.Namespace) -> None:
    from app.lifespan import database
    from db.queries.api_keys import list_keys

    with database(settings) as database_url:
        keys = with_session(database_url, list_keys)
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        companies = "all" if key.company_ids is None else ",".join(map(str, key.company_ids))
        print(
            f"{key.id}\toak_{key.prefix}_…\t{key.name}\t{','.join(key.scopes)}\t"
            f"companies={companies}\t{state}"
        )


def keys_revoke(settings: Settings, args: argparse.Namespace) -> None:
    """Exits non-zero when nothing was revoked, so a script notices a wrong id."""
    from app.api_keys import revoke_key
    from app.lifespan import database

    with database(settings) as database_url:
        revoked = with_session(database_url, lambda session: revoke_key(session, args.id))
    if not revoked:
        raise SystemExit(f"orders-api: no active key {args.id}")
    print(f"key {args.id} revoked")


def migrate(settings: Settings, _: argparse.Namespace) -> None:
    from app.lifespan import database
    from db.migrate import upgrade

    with database(settings) as database_url:
        upgrade(database_url)
    print("orders-api: database is at the latest migration")


def seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    """A database that already holds data is refused in one line, not a traceback."""
    from app.lifespan import database
    from db.migrate import upgrade
    from db.seed_demo import DemoDataPresent
    from db.seed_demo import seed_demo as fill

    with database(settings) as database_url:
        upgrade(database_url)
        started = time.perf_counter()
        try:
            summary = asyncio.run(fill(database_url, orders=args.orders, progress=print))
        except DemoDataPresent as error:
            fail(1, f"not seeding: {error}")
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
            # requests still running then are cancelled, so a stuck one cannot hold the exit
            timeout_graceful_shutdown=settings.shutdown_grace_s,  # type: ignore[arg-type]
        )


def inventory_reconcile(settings: Settings, _: argparse.Namespace) -> None:
    from app.inventory.reconcile import release_orphans
    from app.lifespan import database

    with database(settings) as database_url:
        released = with_session(database_url, release_orphans)
    for order_id, quantities in released.items():
        print(f"order {order_id}: released {quantities}")
    print(f"orders-api: {len(released)} orphaned reservation(s) released")


def import_orders(settings: Settings, args: argparse.Namespace) -> None:
    """Exits with one of IMPORT_EXIT_STATUS's codes, so a script or cron job can tell."""
    from sqlalchemy.exc import SQLAlchemyError
    from tqdm import tqdm

    from app.auth import Principal
    from app.context import build_context
    from app.importer import (
        ImportFileError,
        ImportStopped,
        check_types,
        read_orders,
        run_import,
        write_failures,
    )
    from app.lifespan import database
    from db.engine import make_engine, make_sessionmaker
    from db.queries.api_keys import all_company_ids
    from graphql_schema.machinery.library_internals import graphql_schema_of
    from resolvers.roots.schema import schema

    path = Path(args.file)
    try:
        records = read_orders(path)
    except ImportFileError as error:
        fail(IMPORT_BAD_FILE, str(error))
    check_types(records, graphql_schema_of(schema))
    failures = path.with_name(path.name + ".failures.jsonl")

    async def run(database_url: str) -> Any:
        engine = make_engine(database_url, pool_size=1)
        sessions = make_sessionmaker(engine)

        async def call(orders: list[dict[str, Any]]) -> dict[str, Any]:
            async with sessions() as session:
                principal = Principal(
                    key_id="cli:import",
                    company_ids=await all_company_ids(session),
                    scopes=frozenset({"admin"}),
                )
                context = build_context(session, principal, settings, "cli-import")
                result = await schema.execute(
                    IMPORT, variable_values={"orders": orders}, context_value=context
                )
            if result.errors or result.data is None:
                raise ImportStopped(f"a call was not answered: {result.errors}")
            return result.data["bulkImportOrders"]

        bar = tqdm(total=len(records), unit="order", desc="importing")
        try:
            return await run_import(records, call, progress=bar.update)
        finally:
            bar.close()
            await engine.dispose()

    try:
        with database(settings) as database_url:
            summary, failed = asyncio.run(run(database_url))
    except (ImportStopped, SQLAlchemyError, OSError) as error:
        fail(IMPORT_STOPPED, f"the import stopped ({error}); run it again, nothing is duplicated")
    write_failures(failures, failed)
    print(
        f"orders-api: {summary.created} created, {summary.updated} updated,"
        f" {summary.unchanged} unchanged, {summary.failed} failed"
    )
    if summary.failed:
        print(f"orders-api: failures written to {failures}")
        raise SystemExit(IMPORT_SOME_FAILED)


IMPORT_SOME_FAILED, IMPORT_BAD_FILE, IMPORT_STOPPED = 1, 2, 3
IMPORT_EXIT_STATUS = """exit status:
  0  every order was imported (created, updated or unchanged)
  1  some orders failed: FILE.failures.jsonl lists them; the others were imported
  2  nothing was imported: wrong usage, or FILE is not JSON Lines or CSV of orders
  3  the import stopped part-way (e.g. the database is unreachable); run it again"""


IMPORT = """
mutation Import($orders: [ImportOrderInput!]!) {
  bulkImportOrders(input: {orders: $orders}) {
    results { status errors { code field message } }
    errors { code field message }
  }
}
"""


def export_schema(_: Settings, args: argparse.Namespace) -> None:
    from resolvers.roots.schema import schema

    sdl = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"orders-api: schema written to {args.output}")


SERVE_SETTINGS = """settings that matter (environment or .env):
  HOST, PORT              where to listen (127.0.0.1, 8000)
  DATABASE_URL            PostgreSQL DSN; unset starts an embedded server in EMBEDDED_PG_DIR
  INTROSPECTION_ENABLED   introspection and GraphiQL (true); false for a public API
  INVENTORY_URL           the inventory service; unset keeps it in process
  DB_POOL_SIZE            connections per process (10)
  STATEMENT_TIMEOUT_S     longest one SQL statement may run (5)
  SHUTDOWN_GRACE_S        on SIGTERM, how long requests in flight may finish (10)
  WORKERS                 server processes on the port, sharing budgets and metrics (1)
  LOG_LEVEL               debug, info, warning or error (info)
  LOG_FORMAT              text (a terminal) or json (one object per line)
  METRICS_TOKEN           bearer token for /metrics; unset, loopback clients only
every setting: README.md, Settings"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="orders-api", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        help="serve GraphQL (embedded PostgreSQL without DATABASE_URL)",
        description="Serve GraphQL at http://HOST:PORT/graphql, migrating the database first.",
        epilog=SERVE_SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).add_argument(
        "--workers", type=int, default=None, help="server processes sharing the port (WORKERS, 1)"
    )
    commands.add_parser("migrate", help="apply database migrations")
    seed = commands.add_parser("seed-demo", help="fill an empty database with demo data")
    seed.add_argument("--orders", type=int, default=10_000, help="how many orders (10000)")
    importer = commands.add_parser(
        "import",
        help="import orders from JSON Lines or CSV",
        description="Import orders through bulkImportOrders (README.md, Import files, lists\n"
        "the fields). Safe to run again: what already arrived comes back UNCHANGED.",
        epilog=IMPORT_EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importer.add_argument("file", help="a .jsonl file (one order per line) or a .csv file")
    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="make a key; it is printed once")
    create.add_argument("--company", action="append", default=[], help="company code (repeat)")
    create.add_argument("--all-companies", action="store_true", help="every company, also future")
    create.add_argument("--scopes", default="order.read", help="comma-separated scopes")
    create.add_argument("--name", default="api key", help="a label for listings")
    key_commands.add_parser("list", help="list keys (never the secret)")
    revoke_parser = key_commands.add_parser("revoke", help="revoke a key by id")
    revoke_parser.add_argument("id", type=int)
    inventory = commands.add_parser("inventory", help="the inventory service")
    inventory_commands = inventory.add_subparsers(dest="inventory_command", required=True)
    inventory_commands.add_parser("serve", help="serve the inventory over HTTP (INVENTORY_PORT)")
    inventory_commands.add_parser("reconcile", help="release reservations with no open order")
    export_command.add_parser(commands)
    export = commands.add_parser("export-schema", help="print or write the GraphQL SDL")
    export.add_argument("--output", default="-", help="file to write, or - for stdout")
    args = parser.parse_args(argv)
    handlers = {
        "serve": serve,
        "migrate": migrate,
        "seed-demo": seed_demo,
        "export-schema": export_schema,
        "import": import_orders,
        "export": export_command.export_orders,
    }
    nested: dict[str, tuple[str, dict[str, Command]]] = {
        "inventory": (
            "inventory_command",
            {"serve": inventory_serve, "reconcile": inventory_reconcile},
        ),
        "keys": ("keys_command", {"create": keys_create, "list": keys_list, "revoke": keys_revoke}),
    }
    if args.command in nested:
        attribute, subcommands = nested[args.command]
        subcommands[getattr(args, attribute)](get_settings(), args)
        return
    handlers[args.command](get_settings(), args)
