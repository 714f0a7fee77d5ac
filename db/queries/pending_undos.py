"""Pending undos: noted before a remote movement, forgotten when its order change commits."""

from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models.pending_undo import PendingUndo

_TABLE = PendingUndo.__table__


async def note(sessions: async_sessionmaker[AsyncSession], key: str, order_id: int) -> None:
    """Committed on its own, before the movement is sent: it survives whatever follows.

    A retry of the same change (the same key) makes the note new again, so the reconciler,
    which waits RECONCILE_UNDO_AFTER_S from the latest note, does not undo it mid-flight.
    """
    statement = insert(_TABLE).values(key=key, order_id=order_id)
    async with sessions() as session:
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[_TABLE.c.key], set_={"created_at": sa.func.now()}
            )
        )
        await session.commit()


async def forget(session: AsyncSession, keys: Collection[str]) -> int:
    """In the caller's transaction: gone exactly when the order change commits; how many were."""
    if not keys:
        return 0
    result = await session.execute(sa.delete(_TABLE).where(_TABLE.c.key.in_(list(keys))))
    # a DELETE's result is a CursorResult, which has rowcount; execute() is typed as Result
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def undo_if_noted(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    undo: Callable[[], Awaitable[None]],
    *,
    older_than: timedelta | None = None,
) -> bool:
    """Run `undo` only while the note stands, holding its row lock; then drop the note.

    No note: the change committed (its transaction deleted it) or another process undid it.
    A note locked by a change still running is skipped, never waited for or undone.
    """
    condition = [_TABLE.c.key == key]
    if older_than is not None:
        condition.append(_TABLE.c.created_at < sa.func.now() - older_than)
    async with sessions() as session:
        noted = await session.scalar(
            sa.select(_TABLE.c.key).where(*condition).with_for_update(skip_locked=True)
        )
        if noted is None:
            await session.rollback()
            return False
        await undo()  # raising leaves the note, for the next round
        await session.execute(sa.delete(_TABLE).where(_TABLE.c.key == key))
        await session.commit()
    return True


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
