"""The HTTP envelope of a GraphQL request, bounded and checked before any GraphQL work.

A body over its size is refused without being read whole (413), and a body that is not one JSON
object with a string `query` is refused (400), each with a JSON error like every other answer:
hostile bytes never reach the parser or a resolver, and never cause a 500.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import Principal
from app.error_boundary import error_response
from app.settings import Settings


class EnvelopeError(Exception):
    """Why a request cannot be a GraphQL request; its message is the client's to read."""

    def __init__(self, message: str, *, status: int = 400, **extensions: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extensions = {"code": "BAD_REQUEST", **extensions}

    def response(self) -> JSONResponse:
        return error_response(str(self), self.status, **self.extensions)


def too_large(what: str, bound: str, limit: int) -> EnvelopeError:
    return EnvelopeError(
        f"{what} is larger than {limit:,} bytes",
        status=413,
        code="LIMIT_EXCEEDED",
        bound=bound,
        limit=limit,
    )


def body_limit(settings: Settings, principal: Principal | None) -> int:
    """Background jobs of many orders need big bodies; only keys that may start them send one."""
    if principal is not None and principal.allows("order.bulkwrite"):
        return max(settings.max_bulk_request_bytes, settings.max_request_bytes)
    return settings.max_request_bytes


def check_request(data: object, settings: Settings) -> None:
    """One operation: an object with a string query, object variables, a string operation name."""
    if isinstance(data, list):
        raise EnvelopeError("batched operations are not supported: send one object per request")
    if not isinstance(data, dict):
        raise EnvelopeError('the body must be a JSON object such as {"query": "{ orders ... }"}')
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise EnvelopeError("`query` must be a non-empty string holding the GraphQL document")
    if len(query.encode("utf-8", "surrogatepass")) > settings.max_query_bytes:
        raise too_large("the document (`query`)", "queryBytes", settings.max_query_bytes)
    for name in ("variables", "extensions"):
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            raise EnvelopeError(f"`{name}` must be a JSON object or null")
        if value is not None and json_depth(value) > settings.max_json_depth:
            raise EnvelopeError(
                f"`{name}` nest deeper than {settings.max_json_depth} levels",
                code="LIMIT_EXCEEDED",
                bound="jsonDepth",
                limit=settings.max_json_depth,
            )
    operation = data.get("operationName")
    if operation is not None and not isinstance(operation, str):
        raise EnvelopeError("`operationName` must be a string or null")


def json_depth(value: object) -> int:
    """Levels of arrays and objects, counted without recursion (a hostile value may be deep)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in item)
    return deepest


def decode_body(body: bytes) -> object:
    if not body.strip():
        raise EnvelopeError("the body is empty: send a JSON object with a `query`")
    try:
        return orjson.loads(body)  # strict UTF-8; nesting past 1,024 levels is an error too
    except orjson.JSONDecodeError as error:
        raise EnvelopeError(f"the body is not valid JSON in UTF-8: {error}") from None


def query_params(query_string: bytes) -> dict[str, object]:
    """A GET request's operation, shaped as a POST body is."""
    try:
        params = parse_qs(query_string.decode("utf-8"), strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise EnvelopeError("the query string is not valid UTF-8") from None
    data: dict[str, object] = {name: values[-1] for name, values in params.items()}
    for name in ("variables", "extensions"):
        if isinstance(data.get(name), str) and data[name]:
            try:
                data[name] = orjson.loads(str(data[name]))
            except orjson.JSONDecodeError:
                raise EnvelopeError(f"`{name}` is not valid JSON") from None
    return data


def content_type(headers: Mapping[bytes, bytes]) -> str:
    return headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()


class RequestBoundsMiddleware:
    """Reads a GraphQL request's body up to its bound, checks its shape, and replays it.

    Runs after the API key check, so an anonymous caller is refused before its body is read,
    and a key allowed to start background jobs gets their larger bound.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, path: str = "/graphql") -> None:
        self.app = app
        self.settings = settings
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        settings = self.settings
        principal = scope.get("state", {}).get("principal")
        try:
            if scope["method"] == "POST":
                body = await read_body(scope, receive, body_limit(settings, principal))
                receive = replay(body, receive)
                if content_type(dict(scope["headers"])) != "application/json":
                    raise EnvelopeError("send the request as Content-Type: application/json")
                check_request(decode_body(body), settings)
            elif scope["method"] == "GET" and scope["query_string"]:
                limit = settings.max_request_bytes
                if len(scope["query_string"]) > limit:
                    raise too_large("the query string", "requestBytes", limit)
                check_request(query_params(scope["query_string"]), settings)
        except EnvelopeError as error:
            await error.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, refused (413) as soon as it passes `limit`, declared or sent."""
    declared = dict(scope["headers"]).get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large("the request body", "requestBytes", limit)
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large("the request body", "requestBytes", limit)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """The body once, as one message; then whatever the connection says (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
