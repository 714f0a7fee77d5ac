"""Claims on idempotency keys: the first request with a key runs, its retries read its answer.

Each claim carries a token: only the request holding it may record or free the claim, so a
request that lost its claim (its lease ran out and a retry took over) cannot overwrite anything.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import IdempotentRequest

_TABLE = IdempotentRequest.__table__


@dataclass(frozen=True, slots=True)
class Earlier:
    """What a key already holds: the request it was first used for, and its answer if done."""

    request_hash: str
    status_code: int | None
    content_type: str | None
    body: bytes | None


def _owned(api_key_id: int, key: str) -> sa.ColumnElement[bool]:
    return (_TABLE.c.api_key_id == api_key_id) & (_TABLE.c.key == key)


async def claim(
    session: AsyncSession,
    api_key_id: int,
    key: str,
    request_hash: str,
    *,
    ttl: timedelta,
    lease: timedelta,
) -> str | Earlier:
    """This request's token if it now owns the key (committed, retries see it), else the earlier.

    An expired claim is removed first, so its key is free again. A claim still unanswered after
    `lease` was left by a request that died (its server stopped, or the database went away before
    it could free the key): the same request takes it over, with a new token.
    """
    token = secrets.token_hex(16)
    owned = _owned(api_key_id, key)
    await session.execute(sa.delete(_TABLE).where(owned, _TABLE.c.expires_at < sa.func.now()))
    took = await session.scalar(
        insert(_TABLE)
        .values(
            api_key_id=api_key_id,
            key=key,
            token=token,
            request_hash=request_hash,
            expires_at=sa.func.now() + ttl,
        )
        .on_conflict_do_nothing()
        .returning(_TABLE.c.key)
    )
    if took is None:
        took = await session.scalar(
            sa.update(_TABLE)
            .where(
                owned,
                _TABLE.c.status_code.is_(None),
                _TABLE.c.body.is_(None),  # stamped "committed": it is answered, not dead
                _TABLE.c.request_hash == request_hash,
                _TABLE.c.created_at < sa.func.now() - lease,
            )
            .values(created_at=sa.func.now(), token=token)
            .returning(_TABLE.c.key)
        )
    await session.commit()
    if took is not None:
        return token
    found = await earlier(session, api_key_id, key)
    return found if found is not None else Earlier(request_hash, None, None, None)


async def earlier(session: AsyncSession, api_key_id: int, key: str) -> Earlier | None:
    found = (
        await session.execute(
            sa.select(
                _TABLE.c.request_hash, _TABLE.c.status_code, _TABLE.c.content_type, _TABLE.c.body
            ).where(_owned(api_key_id, key))
        )
    ).one_or_none()
    await session.commit()  # a poller must see the owner's answer on its next look
    return None if found is None else Earlier(*found)


async def record(
    sessions: async_sessionmaker[AsyncSession],
    api_key_id: int,
    key: str,
    token: str,
    *,
    status_code: int,
    content_type: str,
    body: bytes,
) -> None:
    async with sessions() as session:
        await session.execute(
            sa.update(_TABLE)
            .where(_owned(api_key_id, key), _TABLE.c.token == token)
            .values(status_code=status_code, content_type=content_type, body=body)
        )
        await session.commit()


async def stamp_committed(
    session: AsyncSession, api_key_id: int, key: str, token: str, *, body: bytes
) -> None:
    """In the change's own transaction: the claim holds a "committed" answer from its commit on.

    It stays unanswered (no status) until the real answer is recorded, so waiting retries keep
    waiting for that; should the request die after the commit, they get this one instead, and
    the claim is never taken over to run the change again.
    """
    await session.execute(
        sa.update(_TABLE)
        .where(_owned(api_key_id, key), _TABLE.c.token == token)
        .values(content_type="application/json", body=body)
    )


async def release(
    sessions: async_sessionmaker[AsyncSession], api_key_id: int, key: str, token: str
) -> None:
    """Frees the key after an answer that was no answer (a 5xx, a refusal to retry)."""
    async with sessions() as session:
        await session.execute(
            sa.delete(_TABLE).where(_owned(api_key_id, key), _TABLE.c.token == token)
        )
        await session.commit()


async def purge_expired(session: AsyncSession) -> int:
    """Claims past their time; the reconciler calls this every round."""
    result = await session.execute(sa.delete(_TABLE).where(_TABLE.c.expires_at < sa.func.now()))
    # a DELETE's result is a CursorResult, which has rowcount; execute() is typed as Result
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
