"""SQL for order exports: the job's row, claiming it, and the keyset pages of orders it writes."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.exports import OrderBundle
from app.domain.vocabulary import OrderStatus, OrderType
from db.graph import in_scope
from db.models import (
    Address,
    BulkOperation,
    Company,
    Discount,
    Order,
    OrderExport,
    OrderLine,
    Partner,
    PaymentMethod,
    Product,
    Season,
)
from db.queries.bulk_operations import ACTIVE
from db.queries.orders import OrderListFilter, select_orders

_IDS = ("company_ids", "client_ids", "agent_ids", "season_ids")
_INSTANTS = ("ordered_from", "ordered_to", "updated_since")


def filter_to_json(given: OrderListFilter) -> dict[str, Any]:
    """The resolved filter as stored with the job, so the worker filters as orders() did."""
    out: dict[str, Any] = {name: sorted(getattr(given, name) or ()) or None for name in _IDS}
    out |= {name: getattr(given, name) and getattr(given, name).isoformat() for name in _INSTANTS}
    out["statuses"] = None if given.statuses is None else [s.value for s in given.statuses]
    out["type"] = given.type and given.type.value
    out["search"] = given.search
    return out


def filter_from_json(stored: dict[str, Any]) -> OrderListFilter:
    statuses = stored.get("statuses")
    return OrderListFilter(
        statuses=None if statuses is None else [OrderStatus(s) for s in statuses],
        type=OrderType(stored["type"]) if stored.get("type") else None,
        search=stored.get("search"),
        company_ids=stored.get("company_ids"),
        client_ids=stored.get("client_ids"),
        agent_ids=stored.get("agent_ids"),
        season_ids=stored.get("season_ids"),
        **{  # type: ignore[arg-type]  # the three instants, each datetime | None
            name: datetime.fromisoformat(stored[name]) if stored.get(name) else None
            for name in _INSTANTS
        },
    )


async def insert_export(
    session: AsyncSession,
    *,
    format: str,
    list_filter: OrderListFilter,
    key_id: str,
    company_ids: Collection[int],
    scopes: Collection[str],
) -> BulkOperation:
    """A CREATED EXPORT job; its total is counted by the worker, in the snapshot it exports."""
    operation = BulkOperation(
        kind="EXPORT",
        key_id=key_id,
        company_ids=sorted(company_ids),
        scopes=sorted(scopes),
        total_count=0,
    )
    session.add(operation)
    await session.flush()
    session.add(
        OrderExport(operation_id=operation.id, format=format, filter=filter_to_json(list_filter))
    )
    await session.flush()
    await session.refresh(operation)
    return operation


async def claim(
    session: AsyncSession, *, lease: timedelta
) -> tuple[BulkOperation, OrderExport] | None:
    """The oldest export nobody works on (new, or its worker's lease ran out), leased to us.

    SKIP LOCKED: two workers never claim the same export in the same instant; the lease keeps
    it theirs after this short transaction commits.
    """
    export = await session.scalar(
        sa.select(OrderExport)
        .join(BulkOperation, BulkOperation.id == OrderExport.operation_id)
        .where(
            BulkOperation.status.in_(ACTIVE),
            sa.or_(OrderExport.lease_until.is_(None), OrderExport.lease_until < sa.func.now()),
        )
        .order_by(OrderExport.operation_id)
        .limit(1)
        .with_for_update(of=OrderExport, skip_locked=True)
    )
    if export is None:
        return None
    export.lease_until = await session.scalar(sa.select(sa.func.now() + lease))
    operation = await session.get(BulkOperation, export.operation_id)
    assert operation is not None
    return operation, export


async def progress(
    session: AsyncSession, operation_id: int, *, done: int, total: int, lease: timedelta
) -> bool:
    """Record how far the export is and renew its lease; False once it was canceled."""
    running = await session.scalar(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id, BulkOperation.status.in_(ACTIVE))
        .values(
            status="RUNNING",
            started_at=sa.func.coalesce(BulkOperation.started_at, sa.func.now()),
            done_count=done,
            total_count=total,
        )
        .returning(BulkOperation.id)
    )
    await session.execute(
        sa.update(OrderExport)
        .where(OrderExport.operation_id == operation_id)
        .values(lease_until=sa.func.now() + lease)
    )
    return running is not None


async def complete(
    session: AsyncSession, operation_id: int, *, file_name: str, done: int, keep: timedelta
) -> None:
    """The file is in place: the job is COMPLETED and its download expires after `keep`."""
    await session.execute(
        sa.update(BulkOperation)
        .where(BulkOperation.id == operation_id, BulkOperation.status.in_(ACTIVE))
        .values(status="COMPLETED", done_count=done, finished_at=sa.func.now())
    )
    await session.execute(
        sa.update(OrderExport)
        .where(OrderExport.operation_id == operation_id)
        .values(file_name=file_name, lease_until=None, expires_at=sa.func.now() + keep)
    )


async def get_export(
    session: AsyncSession, operation_id: int, *, company_ids: Collection[int]
) -> tuple[BulkOperation, OrderExport] | None:
    """The job and its export, if every company it covers is one of the caller's."""
    row = (
        await session.execute(
            sa.select(BulkOperation, OrderExport)
            .join(OrderExport, OrderExport.operation_id == BulkOperation.id)
            .where(BulkOperation.id == operation_id, in_scope(BulkOperation, company_ids))
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def expired_files(session: AsyncSession) -> list[OrderExport]:
    """Exports past their expiry that still name a file: the sweeper deletes those files."""
    rows = await session.scalars(
        sa.select(OrderExport).where(
            OrderExport.expires_at < sa.func.now(), OrderExport.file_name.is_not(None)
        )
    )
    return list(rows.all())


async def forget_file(session: AsyncSession, operation_id: int) -> None:
    await session.execute(
        sa.update(OrderExport)
        .where(OrderExport.operation_id == operation_id)
        .values(file_name=None)
    )


async def count_orders(
    session: AsyncSession, list_filter: OrderListFilter, *, company_ids: Collection[int]
) -> int:
    query = select_orders(list_filter, company_ids=company_ids).with_only_columns(sa.func.count())
    return int(await session.scalar(query) or 0)


async def page_of_orders(
    session: AsyncSession,
    list_filter: OrderListFilter,
    *,
    company_ids: Collection[int],
    after_id: int,
    size: int,
) -> list[OrderBundle]:
    """The next `size` orders by id after `after_id`, each with everything it points at.

    One SELECT per table for the whole page, so memory and round trips depend on the page
    size, never on how many orders the export holds.
    """
    query = select_orders(list_filter, company_ids=company_ids)
    orders = list(
        await session.scalars(query.where(Order.id > after_id).order_by(Order.id).limit(size))
    )
    if not orders:
        return []
    order_ids = [order.id for order in orders]
    lines = await _all(
        session,
        sa.select(OrderLine)
        .where(OrderLine.order_id.in_(order_ids))
        .order_by(OrderLine.order_id, OrderLine.position),
    )
    discounts = await _all(
        session,
        sa.select(Discount)
        .where(Discount.order_id.in_(order_ids))
        .order_by(Discount.sequence, Discount.id),
    )
    partners = await _by_id(
        session, Partner, {o.client_id for o in orders} | {o.agent_id for o in orders}
    )
    products = await _by_id(session, Product, {line.product_id for line in lines})
    companies = await _by_id(session, Company, {o.company_id for o in orders})
    seasons = await _by_id(session, Season, {o.season_id for o in orders})
    methods = await _by_id(session, PaymentMethod, {o.payment_method_id for o in orders})
    addresses = await _by_id(
        session,
        Address,
        {o.shipping_address_id for o in orders} | {o.billing_address_id for o in orders},
    )
    lines_of: dict[int, list[Any]] = defaultdict(list)
    for line in lines:
        lines_of[line.order_id].append(line)
    header: dict[int, list[Any]] = defaultdict(list)
    per_line: dict[int, list[Any]] = defaultdict(list)
    for discount in discounts:
        if discount.order_line_id is None:
            header[discount.order_id].append(discount)
        else:
            per_line[discount.order_line_id].append(discount)
    return [
        OrderBundle(
            order=order,
            company=companies[order.company_id],
            client=partners[order.client_id],
            agent=partners.get(order.agent_id),
            season=seasons.get(order.season_id),
            payment_method=methods.get(order.payment_method_id),
            shipping_address=addresses.get(order.shipping_address_id),
            billing_address=addresses.get(order.billing_address_id),
            discounts=header[order.id],
            lines=lines_of[order.id],
            line_discounts=per_line,
            products=products,
        )
        for order in orders
    ]


async def _all(session: AsyncSession, statement: sa.Select[Any]) -> Sequence[Any]:
    return (await session.scalars(statement)).all()


async def _by_id(session: AsyncSession, model: Any, ids: set[int | None]) -> dict[Any, Any]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = await session.scalars(sa.select(model).where(model.id.in_(wanted)))
    return {row.id: row for row in rows}
