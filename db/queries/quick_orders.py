"""SQL of quick-order suggestions: a client's list is replaced whole; none commits."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.vocabulary import PartnerRole
from db.models import Partner, QuickOrderSuggestion


async def lock_client(
    session: AsyncSession, client_id: int, *, company_ids: Collection[int]
) -> Partner | None:
    """The client, row-locked until commit, so two replacements of its list run one by one."""
    return await session.scalar(
        sa.select(Partner)
        .where(
            Partner.id == client_id,
            Partner.company_id.in_(company_ids),
            Partner.roles.contains([PartnerRole.CLIENT.value]),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def replace_suggestions(
    session: AsyncSession, client_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """The old list goes; the new rows (without client_id) come in one executemany."""
    table = QuickOrderSuggestion.__table__
    await session.execute(sa.delete(table).where(table.c.client_id == client_id))
    if rows:
        await session.execute(sa.insert(table), [{"client_id": client_id, **row} for row in rows])
