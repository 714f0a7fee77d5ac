"""Uniqueness of codes: checked before writing so the client gets NOT_UNIQUE on the right field."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base


async def code_taken(
    session: AsyncSession,
    model: type[Base],
    code: str,
    *,
    company_id: int | None = None,
    exclude_id: int | None = None,
) -> bool:
    """Whether another row already uses `code` (within `company_id` when codes are per company)."""
    table: Any = model
    statement = sa.select(table.id).where(table.code == code)
    if company_id is not None:
        statement = statement.where(table.company_id == company_id)
    if exclude_id is not None:
        statement = statement.where(table.id != exclude_id)
    return (await session.scalar(statement.limit(1))) is not None
