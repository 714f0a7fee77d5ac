"""Reference rows by code: uniqueness per company, the scoped locked load, the checked write.

These answer in domain errors, because only they know whether the company, the code or the row
is the problem. None of them commits.
"""

from collections.abc import Collection, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.errors import DomainError, DomainErrors, NotFound, NotUnique
from db import models
from db.base import Base
from db.graph import in_scope


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


async def placement_errors(
    session: AsyncSession,
    model: type[Base],
    *,
    company_id: int | None,
    code: str | None,
    company_ids: Collection[int],
    exclude_id: int | None = None,
) -> list[DomainError]:
    """NOT_FOUND on `companyId` outside the caller's companies, NOT_UNIQUE on a code in use there.

    A None `company_id` is an id already reported as wrong: nothing more is checked.
    """
    if company_id is None:
        return []
    company = sa.select(models.Company.id).where(
        models.Company.id == company_id, in_scope(models.Company, company_ids)
    )
    if await session.scalar(company) is None:
        return [NotFound("no Company with this id", path=("company_id",))]
    if code is None or not await code_taken(
        session, model, code, company_id=company_id, exclude_id=exclude_id
    ):
        return []
    noun = _NOUNS.get(model, "row")
    return [NotUnique(f"the company already has a {noun} with code {code}", path=("code",))]


_NOUNS: dict[type[Base], str] = {
    models.Partner: "partner (client or agent)",
    models.Season: "season",
    models.Product: "product",
    models.PaymentMethod: "payment method",
}


async def lock_in_scope(
    session: AsyncSession,
    model: type[Base],
    row_id: int,
    *where: sa.ColumnElement[bool],
    company_ids: Collection[int],
    noun: str,
) -> Any:
    """The row, locked until commit; missing, filtered out or another company's is NOT_FOUND."""
    table: Any = model
    row = await session.scalar(
        sa.select(model)
        .where(table.id == row_id, in_scope(model, company_ids), *where)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(f"no {noun} with this id", path=("id",))
    return row


async def save_checked(
    session: AsyncSession,
    row: Any,
    given: object,
    fields: Iterable[str],
    *,
    errors: list[DomainError],
    company_ids: Collection[int],
) -> Any:
    """Raise the caller's `errors` with the row's company and code problems, or write the row.

    `row` is new (its company_id set, its id None) or locked by `lock_in_scope`. The `fields`
    that `given` sets are copied onto it (None keeps the row's value); after the write the row
    is read back, so ids, server defaults and updatedAt reach the payload.
    """
    errors = errors + await placement_errors(
        session,
        type(row),
        company_id=row.company_id,
        code=getattr(given, "code", None),
        company_ids=company_ids,
        exclude_id=row.id,
    )
    if errors:
        raise DomainErrors(errors)
    for field in fields:
        value = getattr(given, field, None)
        if value is not None:
            setattr(row, field, value)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
