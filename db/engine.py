"""Engine, sessions and the unit of work."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool, Pool

from db.availability import broken_connection


class LockedAsyncSession(AsyncSession):
    """A session whose I/O methods share one lock.

    GraphQL resolves sibling fields concurrently, and an AsyncSession must not be used by two
    tasks at once.

    Guard only methods that do not call each other: scalars() and scalar() go through execute(),
    so guarding them too would deadlock. The guards are methods of the class, not wrappers made
    per session: every request makes a session, most never use it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._io_lock = asyncio.Lock()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock:
            return await super().execute(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock:
            return await super().get(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        async with self._io_lock:
            await super().flush(*args, **kwargs)

    async def commit(self) -> None:
        async with self._io_lock:
            await super().commit()

    async def rollback(self) -> None:
        async with self._io_lock:
            await super().rollback()

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        async with self._io_lock:
            await super().refresh(*args, **kwargs)

    async def close(self) -> None:
        async with self._io_lock:
            await super().close()

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        async with self._io_lock:
            return await super().stream(*args, **kwargs)


class _WaitCountingPool(AsyncAdaptedQueuePool):
    """The queue pool, counting checkouts that wait for a connection (it reports all else).

    `_do_get` is the pool's own checkout step (SQLAlchemy's protected API, stable since 1.4);
    one that finds a free connection returns without yielding, so only waiters are ever seen.
    """

    # its log lines under SQLAlchemy's name for the pool, so they keep SQLAlchemy's log level
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiting = 0

    def _do_get(self) -> Any:
        self.waiting += 1
        try:
            return super()._do_get()
        finally:
            self.waiting -= 1


def waiting_for_connection(pool: Pool) -> int:
    """Checkouts of this engine's pool waiting for a connection right now."""
    return getattr(pool, "waiting", 0)


def make_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    statement_timeout_s: float | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """The pool; JSON columns decode with orjson, several times faster than the standard one.

    With a statement timeout, PostgreSQL cancels any statement on these connections that runs
    longer (waiting for a lock included), so no request holds the database for long.
    """
    server_settings = {}
    if statement_timeout_s is not None:
        server_settings["statement_timeout"] = f"{max(round(statement_timeout_s * 1000), 1)}ms"
    engine = create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        poolclass=_WaitCountingPool,
        json_deserializer=orjson.loads,
        connect_args={"server_settings": server_settings},
        **kwargs,
    )
    event.listen(engine.sync_engine, "handle_error", _discard_broken_connections)
    return engine


def _discard_broken_connections(context: ExceptionContext) -> None:
    """A connection the driver left mid-operation is thrown away, not handed to the next request.

    After a server restart asyncpg can report "another operation is in progress" on a pooled
    connection; SQLAlchemy does not know that as a disconnect and would reuse the connection.
    """
    if broken_connection(context.original_exception):
        context.is_disconnect = True


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(session: AsyncSession) -> AsyncIterator[None]:
    """Commit everything the block did, or roll all of it back: nothing half-written."""
    try:
        yield
        for hook in session.info.get("before_commit", ()):  # e.g. the Idempotency-Key's stamp
            await hook(session)
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
    # read by the error handling: a failure after this point must not read as "not saved"
    session.info["committed"] = True


def saved_by(session: AsyncSession) -> list[str] | None:
    """The global ids a committed unit of work wrote (see resolvers/outcome.py), or None.

    None when nothing has committed on this session: a failure so far left nothing behind.
    """
    if not session.info.get("committed"):
        return None
    return list(session.info.get("written", []))
