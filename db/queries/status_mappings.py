"""SQL for status mappings: a company's remote ids and labels, set one status at a time."""

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Company, StatusMapping


async def mappings_of(
    session: AsyncSession, company_id: int, kind: str
) -> dict[str, StatusMapping]:
    rows = await session.scalars(
        sa.select(StatusMapping).where(
            StatusMapping.company_id == company_id, StatusMapping.kind == kind
        )
    )
    return {row.status: row for row in rows}


async def holder_of(
    session: AsyncSession, company_id: int, kind: str, remote_id: str
) -> StatusMapping | None:
    """The mapping that already uses this remote id, if any."""
    return await session.scalar(
        sa.select(StatusMapping).where(
            StatusMapping.company_id == company_id,
            StatusMapping.kind == kind,
            StatusMapping.remote_id == remote_id,
        )
    )


async def put(
    session: AsyncSession, *, company_id: int, kind: str, status: str, remote_id: str,
    label: str | None,
) -> StatusMapping:  # fmt: skip
    statement = insert(StatusMapping).values(
        company_id=company_id, kind=kind, status=status, remote_id=remote_id, label=label
    )
    row = await session.scalar(
        statement.on_conflict_do_update(
            index_elements=["company_id", "kind", "status"],
            set_={"remote_id": remote_id, "label": label, "updated_at": sa.func.now()},
        )
        .returning(StatusMapping)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def order_statuses_by_remote_id(
    session: AsyncSession, pairs: Collection[tuple[str, str]], *, company_ids: Collection[int]
) -> dict[tuple[str, str], str]:
    """(company code, remote id) -> order status, for the caller's companies only."""
    if not pairs:
        return {}
    rows = await session.execute(
        sa.select(Company.code, StatusMapping.remote_id, StatusMapping.status)
        .join(Company, Company.id == StatusMapping.company_id)
        .where(
            StatusMapping.kind == "ORDER",
            Company.id.in_(company_ids),
            sa.tuple_(Company.code, StatusMapping.remote_id).in_(list(pairs)),
        )
    )
    return {(code, remote): status for code, remote, status in rows}
