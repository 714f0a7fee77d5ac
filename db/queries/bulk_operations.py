"""SQL for background bulk operations: create with items, claim chunks, record results."""

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from db.graph import in_scope
from db.models import BulkOperation, BulkOperationItem
from db.pagination import Ordering

ACTIVE = ("CREATED", "RUNNING")
_INSERT_BATCH = 2_000


async def insert_operation(
    session: AsyncSession,
    *,
    kind: str,
    key_id: str,
    company_ids: Collection[int],
    scopes: Collection[str],
    payloads: Sequence[dict[str, Any]],
) -> BulkOperation:
    operation = BulkOperation(
        kind=kind,
        key_id=key_id,
        company_ids=sorted(company_ids),
        scopes=sorted(scopes),
        total_count=len(payloads),
    )
    session.add(operation)
    await session.flush()
    for start in range(0, len(payloads), _INSERT_BATCH):
        rows = [
            {"operation_id": operation.id, "position": start + i, "payload": payload}
            for i, payload in enumerate(payloads[start : start + _INSERT_BATCH])
        ]
        await session.execute(insert(BulkOperationItem), rows)
    await session.refresh(operation)
    return operation


async def claim_chunk(
    session: AsyncSession, size: int
) -> tuple[BulkOperation, list[BulkOperationItem]] | None:
    """Lock the next pending items of the oldest active operation; other workers skip them.

    The locks last until the caller's transaction ends, so a worker that dies releases them
    together with its uncommitted work: nothing is done twice, nothing is lost.
    """
    items = (
        await session.scalars(
            sa.select(BulkOperationItem)
            .join(BulkOperation, BulkOperation.id == BulkOperationItem.operation_id)
            .where(BulkOperation.status.in_(ACTIVE), BulkOperationItem.status == "PENDING")
            .order_by(BulkOperationItem.operation_id, BulkOperationItem.position)
            .limit(size)
            .with_for_update(of=BulkOperationItem, skip_locked=True)
        )
    ).all()
    if not items:
        return None
    operation = await session.get(BulkOperation, items[0].operation_id)
    assert operation is not None
    return operation, [item for item in items if item.operation_id == operation.id]


async def pending_items(session: AsyncSession) -> int:
    """Items of active operations not run yet: the background queue's depth."""
    left = sa.func.coalesce(
        sa.func.sum(
            BulkOperation.total_count - BulkOperation.done_count - BulkOperation.failed_count
        ),
        0,
    )
    return int(await session.scalar(sa.select(left).where(BulkOperation.status.in_(ACTIVE))) or 0)


async def record_results(
    session: AsyncSession, operation_id: int, results: Sequence[tuple[int, bool, dict[str, Any]]]
) -> None:
    """Items as done or failed with what happened; the operation's counts move with them."""
    failed = sum(1 for _, ok, _ in results if not ok)
    await session.execute(  # one statement for the chunk: an executemany by primary key
        sa.update(BulkOperationItem),
        [
            {"id": item_id, "status": "DONE" if ok else "FAILED", "result": result}
            for item_id, ok, result in results
        ],
    )
    await session.execute(
        sa.update(BulkOperationItem)
        .where(BulkOperationItem.id.in_([item_id for item_id, _, _ in results]))
        .values(processed_at=sa.func.now())
    )
    await session.execute(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id)
        .values(
            status=sa.case(
                (BulkOperation.status == "CREATED", "RUNNING"), else_=BulkOperation.status
            ),
            started_at=sa.func.coalesce(BulkOperation.started_at, sa.func.now()),
            done_count=BulkOperation.done_count + len(results) - failed,
            failed_count=BulkOperation.failed_count + failed,
        )
    )


async def complete_if_done(session: AsyncSession, operation_id: int) -> None:
    pending = (
        sa.select(BulkOperationItem.id)
        .where(
            BulkOperationItem.operation_id == operation_id,
            BulkOperationItem.status == "PENDING",
        )
        .exists()
    )
    await session.execute(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id, BulkOperation.status.in_(ACTIVE), ~pending)
        .values(status="COMPLETED", finished_at=sa.func.now())
    )


async def fail(session: AsyncSession, operation_id: int, message: str) -> None:
    await session.execute(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id, BulkOperation.status.in_(ACTIVE))
        .values(status="FAILED", error_message=message, finished_at=sa.func.now())
    )


async def cancel(session: AsyncSession, operation_id: int) -> BulkOperation | None:
    """Stop an active operation: items not yet claimed are never processed."""
    return await session.scalar(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id, BulkOperation.status.in_(ACTIVE))
        .values(status="CANCELED", finished_at=sa.func.now())
        .returning(BulkOperation)
    )


RESULTS = Ordering("bulk.results", BulkOperationItem.position, BulkOperationItem.id)
OPERATIONS = Ordering("bulk.operations", BulkOperation.id, BulkOperation.id, descending=True)


def select_operations(*, company_ids: Collection[int]) -> Select[Any]:
    return sa.select(BulkOperation).where(in_scope(BulkOperation, company_ids))


def select_results(operation_id: int, *, failed_only: bool) -> Select[Any]:
    query = sa.select(BulkOperationItem).where(
        BulkOperationItem.operation_id == operation_id, BulkOperationItem.status != "PENDING"
    )
    return query.where(BulkOperationItem.status == "FAILED") if failed_only else query
