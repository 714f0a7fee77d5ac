"""confirmOrder: PENDING becomes CONFIRMED and stock is reserved; on CONFIRMED it moves the date."""

from app.context import AppContext, Info
from app.domain.lifecycle import Action, ensure_allowed, transition
from app.domain.vocabulary import OrderEventKind, OrderStatus
from db import models
from db.queries import order_events
from db.queries.order_writes import move, touch
from graphql_schema.orders.inputs import ConfirmOrderInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload, utc_now
from resolvers.orders.stock import reserve_for
from resolvers.outcome import in_transaction


async def confirm_order(info: Info, input: ConfirmOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: confirm(ctx, input), ctx.stock)
    return order_payload(ctx, row, errors)


async def confirm(ctx: AppContext, input: ConfirmOrderInput) -> models.Order:
    order = await locked_order(ctx, input)
    before = order.status
    ensure_allowed(Action.CONFIRM, before)
    new_date = input.estimated_delivery_on
    if before is OrderStatus.CONFIRMED and new_date in (None, order.estimated_delivery_on):
        return order  # confirmed again only to move the date: without a new one, nothing changes
    if new_date is not None:
        order.estimated_delivery_on = new_date
    if before is OrderStatus.PENDING:
        await reserve_for(ctx, order)
    move(order, transition(Action.CONFIRM, before, utc_now()))
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.CONFIRMED,
        before=before,
        actor=ctx.principal.key_id,
        details={"estimatedDeliveryOn": str(order.estimated_delivery_on)},
    )
    return order
