"""Process resources: the database (embedded when no DATABASE_URL), engine and sessionmaker."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager

import httpx
from starlette.applications import Starlette

from app.bulk_worker import BulkWorker
from app.domain.rate_limit import RateLimiter
from app.event_stream import EventStream
from app.export_worker import ExportWorker
from app.grant_cache import GrantCache
from app.inventory.http_client import HttpStock
from app.metrics import count_statement, count_statements, process_exited, sample_every
from app.reconciler import Reconciler
from app.settings import Settings
from app.shared_budget import SharedRateLimiter
from app.stock_guard import GuardedStock, InventoryGuard
from app.webhook_worker import WebhookWorker
from db.direct import DirectReads
from db.embedded import EmbeddedPostgres
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from db.seed_demo import asyncpg_dsn

log = logging.getLogger(__name__)


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The DSN to use: DATABASE_URL, or an embedded server kept running for the block."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.embedded_pg_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


def _rate_limiter(settings: Settings) -> RateLimiter | SharedRateLimiter:
    """The keys' cost budgets: this process's own, or shared by a server's workers."""
    if settings.rate_limit_shared_file is not None:
        return SharedRateLimiter(
            settings.rate_limit_shared_file,
            capacity=settings.rate_limit_capacity,
            restore_rate=settings.rate_limit_restore_rate,
        )
    return RateLimiter(
        capacity=settings.rate_limit_capacity, restore_rate=settings.rate_limit_restore_rate
    )


def lifespan(settings: Settings) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        with database(settings) as database_url:
            await upgrade_async(database_url)
            engine = make_engine(
                database_url,
                pool_size=settings.db_pool_size,
                statement_timeout_s=settings.statement_timeout_s,
                pool_timeout=settings.db_pool_timeout_s,
            )
            app.state.engine = engine
            count_statements(engine)
            app.state.sessionmaker = make_sessionmaker(engine)
            app.state.direct_reads = await DirectReads.open(
                asyncpg_dsn(database_url),
                size=settings.db_pool_size,
                statement_timeout_s=settings.statement_timeout_s,
                acquire_timeout_s=settings.db_pool_timeout_s,
                on_statement=count_statement,
            )
            # a remote inventory's undo log: one-statement transactions only, so two connections
            # serve every request's notes (in process, movements roll back with the change)
            undo_engine = (
                make_engine(
                    database_url,
                    pool_size=2,
                    statement_timeout_s=settings.statement_timeout_s,
                    pool_timeout=settings.db_pool_timeout_s,
                )
                if settings.inventory_url
                else None
            )
            app.state.undo_log = make_sessionmaker(undo_engine) if undo_engine else None
            app.state.inventory_guard = InventoryGuard.from_settings(settings)
            app.state.event_stream = EventStream(database_url)
            app.state.grant_cache = GrantCache(database_url, ttl_s=settings.api_key_cache_ttl_s)
            app.state.rate_limiter = _rate_limiter(settings)
            app.state.inventory_http = (
                httpx.AsyncClient(
                    base_url=settings.inventory_url,
                    # the guard admits this many calls at once, so none queues inside httpx
                    limits=httpx.Limits(
                        max_connections=settings.inventory_max_connections,
                        max_keepalive_connections=settings.inventory_max_connections,
                    ),
                    timeout=settings.inventory_call_timeout_s * 2,  # the guard's is the tighter
                )
                if settings.inventory_url
                else None
            )
            stop, worker, exporter = asyncio.Event(), None, None
            app.state.reconciler = Reconciler(
                engine,
                settings.reconcile_interval_s,
                inventory=(
                    GuardedStock(HttpStock(app.state.inventory_http), app.state.inventory_guard)
                    if app.state.inventory_http is not None
                    else None
                ),
                undo_after_s=settings.reconcile_undo_after_s,
            )
            reconciling = asyncio.create_task(app.state.reconciler.run(stop), name="reconciler")
            caching = asyncio.create_task(app.state.grant_cache.run(stop), name="grant-cache")
            sampling = asyncio.create_task(
                sample_every(app.state, settings.metrics_sample_interval_s, stop), name="metrics"
            )
            if settings.bulk_worker_enabled:
                background = BulkWorker(
                    engine,
                    settings,
                    guard=app.state.inventory_guard,
                    inventory_http=app.state.inventory_http,
                    undo_log=app.state.undo_log,
                )
                worker = asyncio.create_task(background.run(stop), name="bulk-worker")
                exporting = ExportWorker(engine, settings).run(stop)
                exporter = asyncio.create_task(exporting, name="export-worker")
            delivering = (
                asyncio.create_task(
                    WebhookWorker(engine, settings, guard=app.state.inventory_guard).run(stop),
                    name="webhook-worker",
                )
                if settings.webhook_worker_enabled
                else None
            )
            try:
                yield
            finally:
                stop.set()
                if delivering is not None:
                    await delivering
                await reconciling
                await sampling
                await caching
                process_exited()
                if worker is not None:
                    await worker
                if exporter is not None:
                    await exporter
                await app.state.event_stream.close()
                if app.state.inventory_http is not None:
                    await app.state.inventory_http.aclose()
                await app.state.direct_reads.close()
                await engine.dispose()
                if undo_engine is not None:
                    await undo_engine.dispose()

    return run
