"""A table locked by the test: the server's statements on it wait as long as the test wants.

This is how tests make the slow side deterministic instead of betting on a machine's speed.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


@asynccontextmanager
async def table_locked(engine: AsyncEngine, table: str) -> AsyncIterator[int]:
    """Nobody reads or writes `table` while the block runs; yields the lock holder's pid."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        try:
            yield int(await connection.scalar(sa.text("SELECT pg_backend_pid()")))
        finally:
            await transaction.rollback()


def orders_locked(engine: AsyncEngine):  # type: ignore[no-untyped-def]
    return table_locked(engine, "orders")


async def until_blocked_by(engine: AsyncEngine, holder: int, count: int = 1) -> None:
    """Until `count` backends wait for the holder's lock (the server's requests)."""
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"
    )
    async with engine.connect() as connection:
        while await connection.scalar(waiting, {"holder": holder}) < count:
            await connection.rollback()  # pg_stat_activity is one snapshot per transaction
            await asyncio.sleep(0.05)
