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

import time
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth import Principal, credentials, digest
from app.context import AppContext, context_from_state
from app.idempotency import HEADER as IDEMPOTENCY_KEY
from app.metrics import PLANNED_READS
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
from graphql_schema.machinery.extensions import bounds_of, count_operation, throttle_status
from graphql_schema.machinery.library_internals import graphql_schema_of
from graphql_schema.machinery.limits import Bounds, Measures, exceeded, measure
from resolvers.compiled.plans import PLANS, ReadPlan
from resolvers.compiled.roots import execute_compiled
from resolvers.roots.schema import schema


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
        if principal is None or IDEMPOTENCY_KEY in headers:
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
        bounds = bounds_of(self.settings)
        measures = _measures(plan, raw_variables, bounds)
        if measures is None or exceeded(measures, bounds) is not None:
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


def _measures(plan: ReadPlan, raw_variables: object, bounds: Bounds) -> Measures | None:
    """The request's depth, aliases and cost: the plan's own when no variable sizes a page."""
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
    session = state.sessionmaker()
    context = context_from_state(state, session, principal, settings, scope["state"]["request_id"])
    context.raw_json = True
    context.read_path = "compiled"
    return context


def _observed(plan: ReadPlan, duration_s: float) -> None:
    """As the Observed extension counts and notes an operation, for a planned one."""
    count_operation(plan.name, "query", "ok", "compiled", duration_s)
    record = current_request.get()
    if record is not None:
        record.operation_name = plan.name
        record.operation_type = "query"
