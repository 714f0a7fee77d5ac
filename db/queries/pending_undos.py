"""Pending undos: noted before a remote movement, forgotten when its order change commits."""

from collections.abc import Collection
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models.pending_undo import PendingUndo

_TABLE = PendingUndo.__table__


async def note(sessions: async_sessionmaker[AsyncSession], key: str, order_id: int) -> None:
    """Committed on its own, before the movement is sent: it survives whatever follows."""
    async with sessions() as session:
        await session.execute(
            insert(_TABLE).values(key=key, order_id=order_id).on_conflict_do_nothing()
        )
        await session.commit()


async def forget(session: AsyncSession, keys: Collection[str]) -> None:
    """In the caller's transaction: gone exactly when the order change commits."""
    if keys:
        await session.execute(sa.delete(_TABLE).where(_TABLE.c.key.in_(list(keys))))


async def forget_now(sessions: async_sessionmaker[AsyncSession], keys: Collection[str]) -> None:
    async with sessions() as session:
        await forget(session, keys)
        await session.commit()


async def due(session: AsyncSession, older_than: timedelta) -> list[tuple[str, int]]:
    """(key, order id) of the movements left behind, oldest first, past their grace period."""
    rows = await session.execute(
        sa.select(_TABLE.c.key, _TABLE.c.order_id)
        .where(_TABLE.c.created_at < sa.func.now() - older_than)
        .order_by(_TABLE.c.created_at)
        .limit(500)
    )
    return [(key, order_id) for key, order_id in rows]


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(_TABLE)) or 0)
