"""The planned path: a read the compiled path answered before is answered again without GraphQL.

Most requests from front ends and partners are small reads repeated with new variables, and each
paid milliseconds of Python before its one statement: a session, the middleware stack,
Strawberry's execution and seven extensions, walking the selection again. Here, before any of
that, a request whose key is in the grant cache and whose document has a plan that the compiled
path answered (resolvers/compiled/plans.py) is checked and answered directly:

  credentials -> the cached principal -> the body, bounded -> the plan -> its variables ->
  bounds and the key's budget -> the compiled statement(s) -> the same JSON Strawberry sends.

Anything else, and anything a check refuses, goes on to the full stack unchanged (its body
replayed), which answers or refuses it exactly as before: the two paths differ only in speed,
and tests compare their answers.
"""

import logging
import time
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth import Principal, credentials, digest
from app.context import AppContext, build_context
from app.metrics import OPERATION_LATENCY, OPERATIONS, PLANNED_READS, operation_label
from app.observability import current_request
from app.request_bounds import (
    EnvelopeError,
    body_limit,
    check_request,
    content_type,
    decode_body,
    read_body,
    replay,
)
from app.settings import Settings
from graphql_schema.machinery.extensions import bounds_of, throttle_status
from graphql_schema.machinery.library_internals import graphql_schema_of
from graphql_schema.machinery.limits import Measures, exceeded, measure
from resolvers.compiled.plans import PLANS, ReadPlan
from resolvers.compiled.roots import execute_compiled
from resolvers.roots.schema import schema

log = logging.getLogger(__name__)

_IDEMPOTENCY_KEY = b"idempotency-key"


class PlannedReadsMiddleware:
    """Answers planned reads; hands everything else on, as it came."""

    def __init__(self, app: ASGIApp, *, settings: Settings, path: str = "/graphql") -> None:
        self.app = app
        self.settings = settings
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != self.path
            or not PLANS
            or not self.settings.compiled_reads_enabled
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        principal = _cached_principal(scope, headers)
        if principal is None or _IDEMPOTENCY_KEY in headers:
            await self.app(scope, receive, send)  # a cold key is looked up by ApiKeyMiddleware
            return
        try:
            body = await read_body(scope, receive, body_limit(self.settings, principal))
        except EnvelopeError as error:  # too large: as RequestBoundsMiddleware would refuse it
            await error.response()(scope, receive, send)
            return
        receive = replay(body, receive)
        answer = await self._answer(scope, headers, body, principal)
        if answer is None:
            PLANNED_READS.labels("handed_on").inc()
            await self.app(scope, receive, send)
            return
        PLANNED_READS.labels("answered").inc()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    async def _answer(
        self, scope: Scope, headers: dict[bytes, bytes], body: bytes, principal: Principal
    ) -> bytes | None:
        """The response's bytes, or None for the full stack to answer."""
        if content_type(headers) != "application/json":
            return None
        try:
            request = decode_body(body)
            check_request(request, self.settings)
        except EnvelopeError:
            return None
        assert isinstance(request, dict)
        plan = PLANS.answered(request["query"], request.get("operationName"))
        if plan is None:
            return None
        started = time.perf_counter()
        raw_variables = request.get("variables") or {}
        measures = _measures(plan, raw_variables, self.settings)
        if measures is None or exceeded(measures, bounds_of(self.settings)) is not None:
            return None
        context = _context(scope, principal, self.settings)
        limiter = context.rate_limiter
        extensions: dict[str, Any] = {"requestedQueryCost": measures.cost}
        if limiter is not None:
            decision = limiter.spend(principal.key_id, measures.cost, time.monotonic())
            if not decision.allowed:
                return None  # nothing was spent: the full stack refuses it as THROTTLED
            scope.setdefault("state", {})["prepaid"] = decision  # not charged twice if handed on
            extensions["throttleStatus"] = throttle_status(limiter, decision.remaining)
        async with context.session:
            data = await execute_compiled(
                schema, plan.document, plan.operation_name, raw_variables, context, plan
            )
        if data is None:
            return None
        _observed(plan, time.perf_counter() - started)
        return orjson.dumps({"data": data, "extensions": {"cost": extensions}})


def _cached_principal(scope: Scope, headers: dict[bytes, bytes]) -> Principal | None:
    presented = credentials(headers)
    if presented is None:
        return None
    principal: Principal | None = scope["app"].state.grant_cache.get(digest(presented))
    if principal is None:
        return None
    record = current_request.get()
    if record is not None:
        record.api_key_id = principal.api_key_id
        record.company_ids = principal.company_ids
    return principal


def _measures(plan: ReadPlan, raw_variables: object, settings: Settings) -> Measures | None:
    """The request's depth, aliases and cost: the plan's own when no variable sizes a page."""
    bounds = bounds_of(settings)
    if plan.fixed_cost and bounds in plan.measures:
        return plan.measures[bounds]
    if not isinstance(raw_variables, dict):
        return None
    try:  # as QueryBudget measures it: the variables as given (their errors are the stack's)
        measures = measure(
            graphql_schema_of(schema), plan.document, plan.operation_name, raw_variables, bounds
        )
    except (GraphQLError, TypeError, ValueError):
        return None
    if plan.fixed_cost:
        plan.measures[bounds] = measures
    return measures


def _context(scope: Scope, principal: Principal, settings: Settings) -> AppContext:
    state = scope["app"].state
    context = build_context(
        state.sessionmaker(),
        principal,
        settings,
        scope["state"]["request_id"],
        guard=state.inventory_guard,
        inventory_http=state.inventory_http,
        rate_limiter=state.rate_limiter,
        sessionmaker=state.sessionmaker,
        undo_log=state.undo_log,
        events=state.event_stream,
    )
    context.raw_json = True
    context.direct_reads = state.direct_reads
    context.read_path = "compiled"
    return context


def _observed(plan: ReadPlan, duration_s: float) -> None:
    """As the Observed extension counts and notes an operation, for a planned one."""
    OPERATIONS.labels(operation_label(plan.name), "query", "ok", "compiled").inc()
    OPERATION_LATENCY.labels("query", "compiled").observe(duration_s)
    record = current_request.get()
    if record is not None:
        record.operation_name = plan.name
        record.operation_type = "query"
        record.read_path = "compiled"
        record.outcome = "ok"
