"""Claims on idempotency keys: the first request with a key runs, its retries read its answer."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import IdempotentRequest


@dataclass(frozen=True, slots=True)
class Earlier:
    """What a key already holds: the request it was first used for, and its answer if done."""

    request_hash: str
    status_code: int | None
    content_type: str | None
    body: bytes | None


async def claim(
    session: AsyncSession,
    api_key_id: int,
    key: str,
    request_hash: str,
    ttl: timedelta,
    lease: timedelta,
) -> Earlier | None:
    """None when this request now owns the key (committed, so retries see it), else the earlier.

    An expired claim is removed first, so its key is free again. A claim still unanswered after
    `lease` was left by a request that died (its server stopped, or the database went away before
    it could free the key): the same request takes it over.
    """
    row = IdempotentRequest.__table__
    owned = (row.c.api_key_id == api_key_id) & (row.c.key == key)
    await session.execute(sa.delete(row).where(owned, row.c.expires_at < sa.func.now()))
    inserted = await session.scalar(
        insert(row)
        .values(
            api_key_id=api_key_id,
            key=key,
            request_hash=request_hash,
            expires_at=sa.func.now() + ttl,
        )
        .on_conflict_do_nothing()
        .returning(row.c.key)
    )
    if inserted is None:
        inserted = await session.scalar(
            sa.update(row)
            .where(
                owned,
                row.c.status_code.is_(None),
                row.c.request_hash == request_hash,
                row.c.created_at < sa.func.now() - lease,
            )
            .values(created_at=sa.func.now())
            .returning(row.c.key)
        )
    await session.commit()
    if inserted is not None:
        return None
    return await earlier(session, api_key_id, key)


async def earlier(session: AsyncSession, api_key_id: int, key: str) -> Earlier | None:
    row = IdempotentRequest.__table__
    found = (
        await session.execute(
            sa.select(row.c.request_hash, row.c.status_code, row.c.content_type, row.c.body).where(
                row.c.api_key_id == api_key_id, row.c.key == key
            )
        )
    ).one_or_none()
    await session.commit()  # a poller must see the owner's answer on its next look
    return None if found is None else Earlier(*found)


async def record(
    sessions: async_sessionmaker[AsyncSession],
    api_key_id: int,
    key: str,
    status_code: int,
    content_type: str,
    body: bytes,
) -> None:
    row = IdempotentRequest.__table__
    async with sessions() as session:
        await session.execute(
            sa.update(row)
            .where(row.c.api_key_id == api_key_id, row.c.key == key)
            .values(status_code=status_code, content_type=content_type, body=body)
        )
        await session.commit()


async def release(sessions: async_sessionmaker[AsyncSession], api_key_id: int, key: str) -> None:
    """Frees the key after an answer that was no answer (a 5xx): a retry runs afresh."""
    row = IdempotentRequest.__table__
    async with sessions() as session:
        await session.execute(
            sa.delete(row).where(row.c.api_key_id == api_key_id, row.c.key == key)
        )
        await session.commit()
