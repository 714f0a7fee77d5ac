"""Imported statuses named by the company's own remote id (setStatusMapping), made ours."""

from collections.abc import Sequence

from app.context import AppContext
from app.domain.errors import DomainError, NotFound
from db.queries import status_mappings
from graphql_schema.enums import OrderStatusEnum
from graphql_schema.orders.bulk import ImportOrderInput


async def remote_statuses(
    ctx: AppContext, orders: Sequence[ImportOrderInput], errors: list[list[DomainError]]
) -> None:
    """Set each order's status from its statusRemoteId; an unknown one fails that order alone."""
    wanted = {
        (order.company_code, order.status_remote_id)
        for order in orders
        if order.status_remote_id is not None
    }
    if not wanted:
        return
    found = await status_mappings.order_statuses_by_remote_id(
        ctx.session, wanted, company_ids=ctx.loaders.company_ids
    )
    for order, problems in zip(orders, errors, strict=True):
        if order.status_remote_id is None:
            continue
        status = found.get((order.company_code, order.status_remote_id))
        if status is None:
            message = "no order status of the company has this remote id (setStatusMapping)"
            problems.append(NotFound(message, path=("status_remote_id",)))
        else:
            order.status = OrderStatusEnum(status)
