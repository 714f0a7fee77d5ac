"""What the commands share: one database job run from the command line, and a one-line exit."""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def with_session(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one async database job from the command line."""
    from db.engine import make_engine, make_sessionmaker

    async def run() -> T:
        engine = make_engine(database_url, pool_size=1)
        try:
            async with make_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def fail(code: int, message: str) -> NoReturn:
    """One line on stderr and the given exit status (SystemExit with a text always exits 1)."""
    print(f"orders-api: {message}", file=sys.stderr)
    raise SystemExit(code)
