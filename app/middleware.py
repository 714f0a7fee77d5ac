"""Pure-ASGI middleware: the request's id and record, its database session, the API key check."""

import logging
import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import Principal, credentials, digest
from app.error_boundary import error_response
from app.grant_cache import GrantCache
from app.graphiql.assets import PREFIX as GRAPHIQL_ASSETS
from app.metrics import HTTP_LATENCY, HTTP_REQUESTS, STATEMENTS
from app.observability import RequestRecord, current_request, request_id_var
from db.queries import api_keys

log = logging.getLogger("orders_api.requests")

# routes as metric labels: a fixed set, so probing unknown paths grows no series
_ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
_ASSETS = GRAPHIQL_ASSETS  # GraphiQL's files: one label for all of them
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # logged at debug: they come often


class RequestIdMiddleware:
    """Takes the caller's X-Request-Id or makes one, and echoes it on the response.

    It also opens the request's record (see app/observability.py) and, once the answer is
    sent, counts the request and logs its one line: status, duration, operation, key.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given[:64] if given.isprintable() and given else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        record = RequestRecord(request_id)
        recording = current_request.set(record)
        started, status = time.perf_counter(), 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                _observe(scope, record, status, time.perf_counter() - started)
            current_request.reset(recording)
            request_id_var.reset(token)


def _observe(scope: Scope, record: RequestRecord, status: int, duration_s: float) -> None:
    """Count the request and write its log line (status 0: the client left before an answer)."""
    path = scope["path"]
    route = path if path in _ROUTES else _ASSETS if path.startswith(_ASSETS + "/") else "other"
    HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()
    HTTP_LATENCY.labels(route).observe(duration_s)
    STATEMENTS.observe(record.statements)
    level = logging.DEBUG if path in _PROBES else logging.INFO
    if not log.isEnabledFor(level):
        return
    duration_ms = round(duration_s * 1000, 2)
    summary = " ".join(
        f"{name}={value}"
        for name, value in (
            ("op", record.operation_name),
            ("path", record.read_path),
            ("outcome", record.outcome),
            ("key", record.api_key_id),
        )
        if value is not None
    )
    log.log(
        level,
        "%s %s %s %.1f ms %s",
        scope["method"],
        path,
        status,
        duration_ms,
        summary,
        extra={
            "method": scope["method"],
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "statements": record.statements,
            "outcome": record.outcome,
        },
    )


class ApiKeyMiddleware:
    """Every GraphQL request carries a valid, unrevoked key, checked before any resolver runs.

    The GraphiQL page itself (a browser GET asking for HTML) loads without one; the queries it
    sends need the key in their headers like any other client's.
    """

    def __init__(self, app: ASGIApp, *, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http" or scope["path"] != self.path or _wants_ide(scope):
            await self.app(scope, receive, send)
            return
        presented = credentials(dict(scope["headers"]))
        if presented is None:
            refusal = _unauthorized("send an API key: Authorization: Bearer <key>")
            await refusal(scope, receive, send)
            return
        session: AsyncSession = scope["db_session"]
        principal = await authenticate(session, presented, scope["app"].state.grant_cache)
        # give the connection back: the request may wait long for its body, or not need it
        await session.commit()
        if principal is None:
            await _unauthorized("unknown or revoked API key")(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        record = current_request.get()
        if record is not None:
            record.api_key_id = principal.api_key_id
            record.company_ids = principal.company_ids
        await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A key in the handshake's headers is checked here.

        Browsers cannot set those headers: they send the key in connection_init instead, which
        GraphQLApp.on_ws_connect checks.
        """
        presented = credentials(dict(scope["headers"]))
        if presented is not None:
            sessionmaker: async_sessionmaker[AsyncSession] = scope["app"].state.sessionmaker
            async with sessionmaker() as session:
                principal = await authenticate(session, presented, scope["app"].state.grant_cache)
            if principal is None:
                await send({"type": "websocket.close", "code": 4401})
                return
            scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


async def authenticate(
    session: AsyncSession, presented: str, cache: GrantCache | None = None
) -> Principal | None:
    """The principal of an active key, or None for an unknown or revoked one.

    From the process's cache when it holds the key; unknown keys are never cached, so guessing
    cannot fill it.
    """
    key_digest = digest(presented)
    if cache is not None and (cached := cache.get(key_digest)) is not None:
        return cached
    generation = cache.generation if cache is not None else 0
    grant = await api_keys.active_grant(session, key_digest)
    if grant is None:
        return None
    principal = Principal(
        key_id=f"key:{grant.key_id}:{grant.name}",
        company_ids=grant.company_ids,
        scopes=grant.scopes,
        api_key_id=grant.key_id,
    )
    if cache is not None:
        cache.put(key_digest, principal, generation)
    return principal


def _wants_ide(scope: Scope) -> bool:
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
    return scope["method"] == "GET" and "text/html" in accept and not scope["query_string"]


def _unauthorized(message: str) -> JSONResponse:
    return error_response(
        message, 401, headers={"WWW-Authenticate": "Bearer"}, code="UNAUTHENTICATED"
    )


class DbSessionMiddleware:
    """Opens the request's one session; leaving the block returns the connection to the pool."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # subscriptions open a short session per event instead
            await self.app(scope, receive, send)
            return
        sessionmaker: async_sessionmaker[AsyncSession] = scope["app"].state.sessionmaker
        async with sessionmaker() as session:
            # not "session": Starlette's own SessionMiddleware owns that scope key
            scope["db_session"] = session
            await self.app(scope, receive, send)
