"""create_app(): Starlette routes (/graphql, /healthz, /readyz), middleware, lifespan."""

import logging

import orjson
from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse

from app.auth import Principal, credentials
from app.context import AppContext, context_from_state
from app.error_boundary import ErrorBoundaryMiddleware, http_error_response
from app.export_download import download_export
from app.graphiql.assets import PREFIX as GRAPHIQL_ASSETS
from app.graphiql.assets import serve_asset
from app.graphiql.page import local_page
from app.idempotency import IdempotencyMiddleware
from app.lifespan import lifespan
from app.metrics import metrics_endpoint
from app.middleware import (
    ApiKeyMiddleware,
    DbSessionMiddleware,
    RequestIdMiddleware,
    authenticate,
)
from app.planned_reads import PlannedReadsMiddleware
from app.request_bounds import RequestBoundsMiddleware
from app.settings import Settings, get_settings
from db.availability import RETRY_AFTER_S, describe
from db.queries import pending_undos
from db.queries import stock as stock_queries
from graphql_schema.machinery.library_internals import UnsetType
from resolvers.roots.schema import schema

log = logging.getLogger(__name__)


_NOBODY = Principal(key_id="anonymous", company_ids=frozenset(), scopes=frozenset())


class GraphQLApp(GraphQL[AppContext, None]):
    def __init__(self, settings: Settings) -> None:
        # GraphiQL needs introspection: one setting switches both off for a public deployment
        super().__init__(
            schema,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
            graphql_ide="graphiql" if settings.introspection_enabled else None,
        )
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> AppContext:
        state = request.app.state
        # A WebSocket has no request session: it runs only subscriptions, which open a short
        # session per event; this one never connects and only backs the loaders.
        session: AsyncSession = request.scope.get("db_session") or state.sessionmaker()
        # ApiKeyMiddleware set it, or answered 401; only the GraphiQL page and a WebSocket
        # (whose key may come in connection_init) get here without one
        principal: Principal = getattr(request.state, "principal", _NOBODY)
        context = context_from_state(
            state, session, principal, self.settings, request.state.request_id
        )
        context.over_websocket = isinstance(request, WebSocket)
        context.raw_json = not context.over_websocket  # see encode_json
        context.prepaid = request.scope.get("state", {}).get("prepaid")
        return context

    async def on_ws_connect(self, context: AppContext) -> UnsetType | dict[str, object] | None:
        """Refuse a WebSocket that brought no valid key, in its headers or its connection_init."""
        if context.principal is not _NOBODY:
            return UNSET
        params = context.connection_params or {}
        presented = credentials(
            {name.lower().encode(): str(value).encode() for name, value in params.items()}
        )
        if presented is None or context.sessionmaker is None:
            raise ConnectionRejectionError({"message": "send an API key in connection_init"})
        async with context.sessionmaker() as session:
            principal = await authenticate(session, presented)
        if principal is None:
            raise ConnectionRejectionError({"message": "unknown or revoked API key"})
        context.act_as(principal)
        return UNSET

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's own refusals (a GET mutation, bad GET variables...) as JSON errors too."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            response = http_error_response(error.status_code, error.reason)
        await response(scope, receive, send)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """An answer with an UNAVAILABLE error is a 503 with Retry-After: the client retries.

        Not when the error struck after a mutation committed: that answer says what was saved.
        """
        response = super().create_response(response_data, sub_response)
        if _unavailable(response_data):
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    def decode_json(self, data: str | bytes) -> object:
        """orjson, as RequestBoundsMiddleware parsed it: one reading of what JSON is."""
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        """orjson: a page of 50 nested orders is ~90 kB, which the standard library is slow at."""
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from this package's assets, the headers editor showing where the key goes."""
        return HTMLResponse(local_page(self.graphql_ide_html, request.scope.get("root_path", "")))


def _unavailable(response_data: object) -> bool:
    errors = response_data.get("errors") if isinstance(response_data, dict) else None
    return any(
        extensions.get("code") == "UNAVAILABLE" and not extensions.get("committed")
        for extensions in ((e.get("extensions") or {}) for e in errors or ())
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready only when the database answers; the breaker's state and stray holds are shown too.

    Stray holds: orders holding stock they no longer wait for; pending undos: stock movements of
    order changes that did not commit (or have not yet). The reconciler works both off.
    """
    inventory = request.app.state.inventory_guard.state
    try:
        async with request.app.state.sessionmaker() as session:
            stray = len(await stock_queries.holds_without_open_order(session))
            undos = await pending_undos.count(session)
    except Exception as exc:
        log.warning("readiness check failed: %s", describe(exc))
        body = {"status": "unavailable", "database": "down", "inventoryBreaker": inventory}
        return JSONResponse(body, status_code=503)
    body = {
        "status": "ok",
        "database": "up",
        "inventoryBreaker": inventory,
        "strayHolds": stray,
        "pendingUndos": undos,
    }
    return JSONResponse(body)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    graphql = GraphQLApp(settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint(settings)),
        Route("/exports/{id}", download_export(settings), methods=["GET"]),
    ]
    if settings.introspection_enabled:  # the IDE is off otherwise, and so are its files
        routes.append(Route(f"{GRAPHIQL_ASSETS}/{{path:path}}", serve_asset, methods=["GET"]))
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(ErrorBoundaryMiddleware),
            Middleware(PlannedReadsMiddleware, settings=settings),
            Middleware(DbSessionMiddleware),
            Middleware(ApiKeyMiddleware),
            Middleware(RequestBoundsMiddleware, settings=settings),
            Middleware(IdempotencyMiddleware, settings=settings),
        ],
        lifespan=lifespan(settings),
        # an unknown path or method is a JSON error too, like every other answer
        exception_handlers={StarletteHTTPException: _http_error},
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    return http_error_response(error.status_code, str(error.detail))
