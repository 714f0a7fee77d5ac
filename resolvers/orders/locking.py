"""The start of every change to an existing order: find it in scope, lock it, check its version."""

from datetime import UTC, datetime

from app.context import AppContext
from app.domain.errors import NotFound, VersionConflict
from db import models
from db.queries import order_writes
from graphql_schema.errors import UserError
from graphql_schema.orders.inputs import OrderRefInput
from graphql_schema.orders.payloads import OrderPayload
from graphql_schema.orders.types import Order
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id


async def locked_order(ctx: AppContext, ref: OrderRefInput) -> models.Order:
    """The order, row-locked until commit, so concurrent changes to it run one after the other."""
    order = await order_writes.get_for_update(
        ctx.session, input_id(ref.id, "Order", ("id",)), company_ids=ctx.loaders.company_ids
    )
    if order is None:
        raise NotFound("no order with this id", path=("id",))
    if ref.version is not None and order.version != ref.version:
        raise VersionConflict(
            f"the order is at version {order.version}, not {ref.version}; read it again",
            path=("version",),
        )
    return order


def utc_now() -> datetime:
    return datetime.now(UTC)


def order_payload(
    ctx: AppContext, row: models.Order | None, errors: list[UserError]
) -> OrderPayload:
    if row is None:
        return OrderPayload(errors=errors)
    ctx.loaders.after_write(models.Order, row)
    return OrderPayload(order=from_row(Order, row))
