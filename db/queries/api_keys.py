"""SQL for API keys: only digests are stored; a key with no company list sees every company."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey, Company


@dataclass(frozen=True, slots=True)
class Grant:
    """What an active key allows: its companies resolved (every company when it names none)."""

    key_id: int
    name: str
    company_ids: frozenset[int]
    scopes: frozenset[str]


async def active_grant(session: AsyncSession, digest: str) -> Grant | None:
    """One statement per request: the key and, for an all-companies key, the companies now."""
    every_company = sa.select(sa.func.array_agg(Company.id)).scalar_subquery()
    statement = sa.select(
        ApiKey.id,
        ApiKey.name,
        sa.func.coalesce(ApiKey.company_ids, every_company),
        ApiKey.scopes,
    ).where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None))
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    key_id, name, company_ids, scopes = row
    return Grant(key_id, name, frozenset(company_ids or ()), frozenset(scopes))


async def is_active(session: AsyncSession, key_id: int) -> bool:
    """One primary-key lookup: is the key there and not revoked?"""
    statement = sa.select(ApiKey.id).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
    return (await session.scalar(statement)) is not None


async def insert_key(
    session: AsyncSession,
    *,
    name: str,
    prefix: str,
    digest: str,
    company_ids: Sequence[int] | None,
    scopes: Sequence[str],
) -> ApiKey:
    key = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=digest,
        company_ids=None if company_ids is None else list(company_ids),
        scopes=list(scopes),
    )
    session.add(key)
    await session.flush()
    return key


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    return list((await session.scalars(sa.select(ApiKey).order_by(ApiKey.id))).all())


async def revoke(session: AsyncSession, key_id: int) -> bool:
    statement = (
        sa.update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(ApiKey.id)
    )
    return (await session.scalar(statement)) is not None


async def any_key(session: AsyncSession) -> bool:
    return (await session.scalar(sa.select(ApiKey.id).limit(1))) is not None


async def company_ids_by_code(session: AsyncSession, codes: Collection[str]) -> dict[str, int]:
    statement = sa.select(Company.code, Company.id).where(Company.code.in_(codes))
    return dict((await session.execute(statement)).all())


async def all_company_ids(session: AsyncSession) -> frozenset[int]:
    return frozenset((await session.scalars(sa.select(Company.id))).all())
