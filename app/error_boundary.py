"""The outermost answer: whatever fails before a response started is still a JSON answer.

A database that cannot serve (pool exhausted, restarting, unreachable) is 503 UNAVAILABLE with
Retry-After, logged as one line; anything else is a 500 INTERNAL carrying the request id that
finds its traceback in the log. Never a bare plain-text 500, never a dropped connection.
"""

import logging
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability import request_id_var
from db.availability import RETRY_AFTER_S, database_unavailable, describe

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "the database cannot serve this request right now; retry shortly"


_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def error_response(
    message: str, status: int, *, headers: dict[str, str] | None = None, **extensions: Any
) -> JSONResponse:
    """An answer outside GraphQL shaped as GraphQL's errors are, so clients read one shape."""
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers)


def http_error_response(status: int, reason: str) -> JSONResponse:
    """A refusal Starlette or Strawberry made by status (404, 405, 400...), as a JSON error."""
    return error_response(reason, status, code=_HTTP_CODES.get(status, "BAD_REQUEST"))


def unavailable_response() -> JSONResponse:
    return error_response(
        UNAVAILABLE_MESSAGE, 503, headers={"Retry-After": str(RETRY_AFTER_S)}, code="UNAVAILABLE"
    )


class ErrorBoundaryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            if started:
                raise  # half an answer is out: nothing better than closing remains
            if database_unavailable(error):
                log.warning("database unavailable: %s", describe(error))
                await unavailable_response()(scope, receive, send)
                return
            log.exception("unexpected error outside GraphQL")
            internal = error_response(
                "Internal error", 500, code="INTERNAL", requestId=request_id_var.get()
            )
            await internal(scope, receive, send)
