"""Idempotency-Key: a retried request gets the first answer instead of running again.

The first request with a key claims it (a committed row), runs, and stores its answer; a retry
with the same key and body replays that answer, marked `Idempotent-Replayed: true`; one that
arrives while the first still runs waits for it (and takes over a first request that died
without answering, after IDEMPOTENCY_LEASE_S). The same key with another body is refused.
Keys belong to the API key that sent them and expire after IDEMPOTENCY_TTL_S. An answer that
says "try again" (a 5xx, THROTTLED, TIMEOUT, UNAVAILABLE, INVENTORY_UNAVAILABLE) frees the key
when nothing was written, so the retry runs anew; when the change was committed, the retry gets
an answer saying so, whatever happened after the commit.
"""

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.request_bounds import EnvelopeError, replay
from app.settings import Settings
from db.availability import database_unavailable, describe
from db.engine import saved_by
from db.queries import idempotency

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200
POLL_S = 0.05


def _key_of(scope: Scope) -> str | None:
    given = dict(scope["headers"]).get(HEADER)
    if given is None:
        return None
    key = given.decode("latin-1").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise EnvelopeError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        )
    return key


class IdempotencyMiddleware:
    """Runs after the API key check and the request bounds: the body is whole and bounded."""

    def __init__(self, app: ASGIApp, *, settings: Settings, path: str = "/graphql") -> None:
        self.app = app
        self.ttl = timedelta(seconds=settings.idempotency_ttl_s)
        self.wait_s = settings.idempotency_wait_s
        # a first request unanswered after this long died: its retry may run instead
        self.lease = timedelta(seconds=settings.idempotency_lease_s)
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("state", {}).get("principal")
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] != "POST"
            or principal is None
            or principal.api_key_id is None
        ):
            await self.app(scope, receive, send)
            return
        try:
            key = _key_of(scope)
        except EnvelopeError as error:
            await error.response()(scope, receive, send)
            return
        if key is None:
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        digest = hashlib.sha256(body).hexdigest()
        sessions: async_sessionmaker[AsyncSession] = scope["app"].state.sessionmaker
        owner = principal.api_key_id
        async with sessions() as session:
            claimed = await idempotency.claim(
                session, owner, key, digest, ttl=self.ttl, lease=self.lease
            )
            if isinstance(claimed, idempotency.Earlier) and claimed.request_hash == digest:
                claimed = await self._finished(session, owner, key, claimed)
        if isinstance(claimed, str):
            await self._run(scope, replay(body, receive), send, sessions, owner, key, claimed)
            return
        if claimed.request_hash != digest:
            refusal = EnvelopeError(
                "this Idempotency-Key was used for a different request; use a new key",
                status=422,
                code="IDEMPOTENCY_KEY_REUSED",
            )
        elif claimed.status_code is None and claimed.body is None:
            refusal = EnvelopeError(
                "a request with this Idempotency-Key is still running; retry shortly",
                status=409,
                code="IDEMPOTENCY_KEY_IN_USE",
            )
        else:
            replayed = Response(  # or, still unanswered, the "committed" stamp
                claimed.body,
                status_code=claimed.status_code or 200,
                media_type=claimed.content_type,
                headers={"Idempotent-Replayed": "true"},
            )
            await replayed(scope, receive, send)
            return
        await refusal.response()(scope, receive, send)

    async def _finished(
        self, session: AsyncSession, owner: int, key: str, earlier: idempotency.Earlier
    ) -> idempotency.Earlier:
        """The earlier request once it has answered, waiting up to wait_s for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_s
        while earlier.status_code is None and loop.time() < deadline:
            await asyncio.sleep(POLL_S)
            again = await idempotency.earlier(session, owner, key)
            if again is None:  # it failed and freed the key: the client retries, and runs it
                break
            earlier = again
        return earlier

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        sessions: async_sessionmaker[AsyncSession],
        owner: int,
        key: str,
        token: str,
    ) -> None:
        status, content_type, chunks = 500, "application/json", []

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = dict(message.get("headers", []))
                content_type = headers.get(b"content-type", b"application/json").decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        def keep(code: int, answer: bytes) -> Awaitable[None]:
            return idempotency.record(
                sessions,
                owner,
                key,
                token,
                status_code=code,
                content_type=content_type,
                body=answer,
            )

        saved = _saved(scope)
        request_session = scope.get("db_session")
        if request_session is not None:

            async def stamp(session: AsyncSession) -> None:
                written = list(session.info.get("written", []))  # committing now: not yet saved
                await idempotency.stamp_committed(
                    session, owner, key, token, body=_lost_answer(written)
                )

            request_session.info.setdefault("before_commit", []).append(stamp)
        try:
            await self.app(scope, receive, capture)
        except BaseException:
            if saved() is not None:  # committed, then failed: the retry must learn that
                await _keeping(key, keep(200, _lost_answer(saved())))
            else:
                await _keeping(key, idempotency.release(sessions, owner, key, token))
            raise
        answer = b"".join(chunks)
        if saved() is None and (status >= 500 or _temporary(answer)):
            # nothing was written and the answer says "try again": the retry runs anew
            await _keeping(key, idempotency.release(sessions, owner, key, token))
        elif status >= 500:
            await _keeping(key, keep(200, _lost_answer(saved())))
        else:
            await _keeping(key, keep(status, answer))


TEMPORARY = frozenset({"THROTTLED", "TIMEOUT", "UNAVAILABLE", "INVENTORY_UNAVAILABLE"})


def _temporary(answer: bytes) -> bool:
    """Whether the answer refused for now (a budget, a timeout, an outage) rather than for good."""
    try:
        body = orjson.loads(answer)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(body, dict):
        return False
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or ()]
    for payload in (body.get("data") or {}).values():
        if isinstance(payload, dict):
            codes += [e.get("code") for e in payload.get("errors") or () if isinstance(e, dict)]
    return any(code in TEMPORARY for code in codes)


def _saved(scope: Scope) -> Callable[[], list[str] | None]:
    """What the request's own transaction committed, once it has (see db.engine.saved_by)."""
    session = scope.get("db_session")
    return lambda: None if session is None else saved_by(session)


def _lost_answer(written: list[str] | None) -> bytes:
    error = {
        "message": "the change was saved, but its answer was lost; fetch it by id",
        "extensions": {"code": "INTERNAL", "committed": True, "written": written or []},
    }
    return orjson.dumps({"data": None, "errors": [error]})


async def _keeping(key: str, bookkeeping: Awaitable[None]) -> None:
    """The answer is out; a database that fails now must not turn it into a server error.

    The claim then stays unanswered, and a retry takes it over once its lease has run out.
    """
    try:
        await bookkeeping
    except Exception as error:
        if not database_unavailable(error):
            raise
        log.warning("Idempotency-Key %r: its answer could not be kept: %s", key, describe(error))


async def _body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)
