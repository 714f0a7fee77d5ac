"""Session-level advisory locks: one process at a time does a piece of background work."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def try_lock(connection: AsyncConnection, key: int) -> bool:
    """Take the lock if no other session holds it; committed, so it outlives this transaction."""
    took = bool(await connection.scalar(sa.select(sa.func.pg_try_advisory_lock(key))))
    await connection.commit()
    return took


async def unlock(connection: AsyncConnection, key: int) -> None:
    await connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    await connection.commit()
