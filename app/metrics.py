"""Prometheus metrics: the families, the process-state sampler, and the `/metrics` endpoint.

With several server processes, `orders-api serve` points PROMETHEUS_MULTIPROC_DIR at one folder
before anything imports the client library: every process writes its figures there and a
scrape of any of them adds them up (gauges by their `multiprocess_mode`). Without that variable
(tests, an app embedded elsewhere) the figures are this process's own.

Label values are bounded: an operation name is a label only once it is known (at most
`_MAX_OPERATION_NAMES` per process, the rest count as "other"), so a client sending unique
names cannot grow the series without end.
"""

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as multiprocess_mode
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response

from app.error_boundary import error_response
from app.observability import current_request
from app.settings import Settings
from db.engine import waiting_for_connection
from db.queries import bulk_operations, webhooks

log = logging.getLogger(__name__)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "orders_api_http_requests",
    "HTTP requests answered, by route and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "orders_api_http_request_duration_seconds",
    "Time from a request's arrival to its last byte sent, by route.",
    ["route"],
    buckets=_LATENCY_BUCKETS,
)
OPERATIONS = Counter(
    "orders_api_graphql_operations",
    "GraphQL operations run, by name, type, outcome (ok or the first error's code) and read path.",
    ["operation", "type", "outcome", "read_path"],
)
OPERATION_LATENCY = Histogram(
    "orders_api_graphql_operation_duration_seconds",
    "Time GraphQL took for an operation (parse to result), by type and read path.",
    ["type", "read_path"],
    buckets=_LATENCY_BUCKETS,
)
PLANNED_READS = Counter(
    "orders_api_planned_reads",
    "POSTs to /graphql whose document has a plan the compiled path answered before, by what "
    "became of them: answered (by the planned path) or handed_on (to the full stack: a check "
    "refused it there, or the compiled path declined).",
    ["outcome"],
)
COMPILED_FALLBACKS = Counter(
    "orders_api_compiled_fallbacks",
    "Queries the compiled read path left to the reference path, by reason: not_compilable (it "
    "asks for something only the reference path does), client_error (the reference path words "
    "it), database_error and bug (logged as warnings and errors).",
    ["reason"],
)
STATEMENTS = Histogram(
    "orders_api_sql_statements_per_request",
    "SQL statements one HTTP request sent, authentication included.",
    buckets=(0, 1, 2, 3, 4, 6, 8, 12, 20, 50, 100),
)
POOL_IN_USE = Gauge(
    "orders_api_db_pool_connections_in_use",
    "Database connections checked out of the request pool.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "orders_api_db_pool_waiting",
    "Requests waiting for a database connection from the pool.",
    multiprocess_mode="livesum",
)
BREAKER_STATE = Gauge(
    "orders_api_inventory_breaker_state",
    "Server processes whose inventory circuit breaker is in this state.",
    ["state"],
    multiprocess_mode="livesum",
)
INVENTORY_CALLS = Counter(
    "orders_api_inventory_calls",
    "Inventory calls by outcome: ok, refused (an answer such as out of stock), "
    "failed (timeout or transport error), rejected (breaker open), busy (no free slot).",
    ["outcome"],
)
BULK_QUEUE = Gauge(
    "orders_api_bulk_items_pending",
    "Items of background jobs still waiting to run (all processes share one queue).",
    multiprocess_mode="livemax",
)
BULK_ITEMS = Counter(
    "orders_api_bulk_items",
    "Background job items run, by outcome; rate() gives items per second.",
    ["outcome"],
)
RATE_LIMITED = Counter(
    "orders_api_rate_limit_refusals",
    "Queries refused with THROTTLED: the API key's cost budget was spent.",
)
WEBHOOK_PENDING = Gauge(
    "orders_api_webhook_deliveries_pending",
    "Webhook deliveries not yet delivered or given up (all processes share one outbox).",
    multiprocess_mode="livemax",
)
WEBHOOK_ATTEMPTS = Counter(
    "orders_api_webhook_attempts",
    "Webhook attempts by outcome: delivered (2xx), retry (any other answer, or none), "
    "gone (410: the endpoint is disabled), refused (the URL resolved to a forbidden address), "
    "unrendered (the order could not be rendered: a bug, logged).",
    ["outcome"],
)
WEBHOOK_GIVEN_UP = Counter(
    "orders_api_webhook_deliveries_failed",
    "Webhook deliveries marked FAILED: their retry window passed, or the endpoint went away.",
)
SUBSCRIPTIONS = Gauge(
    "orders_api_subscriptions_active",
    "Subscriptions streaming order events now.",
    multiprocess_mode="livesum",
)

_BREAKER_STATES = ("closed", "open", "half_open")
_known_operations: set[str] = set()


def operation_label(name: str | None) -> str:
    """The operation's name as a label: "anonymous", a known name, or "other" past the bound."""
    if not name:
        return "anonymous"
    if name in _known_operations:
        return name
    if len(_known_operations) >= _MAX_OPERATION_NAMES or not _OPERATION_NAME.fullmatch(name):
        return "other"
    _known_operations.add(name)
    return name


def count_statement(*_: Any) -> None:
    """One statement more on the running request's record."""
    request = current_request.get()
    if request is not None:
        request.statements += 1


def count_statements(engine: AsyncEngine) -> None:
    """Each statement sent on this engine is added to the running request's record."""
    event.listen(engine.sync_engine, "before_cursor_execute", count_statement)


async def sample(state: Any) -> None:
    """Set the gauges that describe this process's state (pool, breaker, job queue) from it."""
    pool = state.engine.pool
    POOL_IN_USE.set(pool.checkedout())
    POOL_WAITING.set(waiting_for_connection(pool))
    current = state.inventory_guard.state
    for name in _BREAKER_STATES:
        BREAKER_STATE.labels(name).set(1 if name == current else 0)
    async with state.sessionmaker() as session:
        BULK_QUEUE.set(await bulk_operations.pending_items(session))
        WEBHOOK_PENDING.set(await webhooks.pending_count(session))


async def sample_every(state: Any, interval_s: float, stop: asyncio.Event) -> None:
    """Keeps this process's gauges fresh for scrapes that another process answers."""
    while not stop.is_set():
        try:
            await sample(state)
        except Exception as error:  # the database may be down: the next round tries again
            log.debug("metrics sample failed: %s", error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)


def process_exited() -> None:
    """Drops this process's live gauges from the shared figures."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess_mode.mark_process_dead(os.getpid())


def metrics_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """The figures in Prometheus's text format, for the METRICS_TOKEN bearer or else loopback."""

    async def figures(request: Request) -> Response:
        refusal = _refusal(request, settings.metrics_token)
        if refusal is not None:
            return refusal
        with contextlib.suppress(Exception):  # figures still answer when the database does not
            await sample(request.app.state)
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)

    return figures


def _registry() -> CollectorRegistry:
    if not os.environ.get(MULTIPROCESS_DIR):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess_mode.MultiProcessCollector(registry)
    return registry


def _refusal(request: Request, token: SecretStr | None) -> Response | None:
    if token is not None:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        expected = token.get_secret_value()
        if scheme.lower() == "bearer" and hmac.compare_digest(presented.strip(), expected):
            return None
        return error_response(
            "send the metrics token: Authorization: Bearer <METRICS_TOKEN>",
            401,
            headers={"WWW-Authenticate": "Bearer"},
            code="UNAUTHENTICATED",
        )
    if _on_loopback(request):
        return None
    return error_response(
        "metrics are served on loopback only; set METRICS_TOKEN to scrape from elsewhere",
        403,
        code="FORBIDDEN",
    )


def _on_loopback(request: Request) -> bool:
    if request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False
