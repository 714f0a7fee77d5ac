"""cancelOrder: any status before DELIVERED, with a reason; reserved stock is released."""

from app.context import AppContext, Info
from app.domain.lifecycle import HOLDS_STOCK, Action, ensure_allowed, transition
from app.domain.vocabulary import CancellationReason, LineStatus, OrderEventKind
from db import models
from db.queries import order_events, order_writes
from db.queries.order_writes import move, touch
from graphql_schema.orders.inputs import CancelOrderInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload, utc_now
from resolvers.orders.stock import movement_key
from resolvers.outcome import in_transaction


async def cancel_order(info: Info, input: CancelOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: cancel(ctx, input), ctx.stock)
    return order_payload(ctx, row, errors)


async def cancel(ctx: AppContext, input: CancelOrderInput) -> models.Order:
    order = await locked_order(ctx, input)
    before = order.status
    ensure_allowed(Action.CANCEL, before)
    now = utc_now()
    move(order, transition(Action.CANCEL, before, now))
    order.cancellation_reason = CancellationReason(input.reason)
    order.cancellation_note = input.note
    for line in await order_writes.lines_of(ctx.session, order.id):
        if line.delivered_quantity == 0:
            line.status = LineStatus.CANCELLED
            line.cancelled_at = now
    if before in HOLDS_STOCK:
        # a PENDING order holds nothing, so cancelling it needs no inventory (and works during
        # an outage). A hold left by a lost confirm is reconcile's.
        await ctx.stock.release(movement_key("release", order), order.id)
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.CANCELLED,
        before=before,
        actor=ctx.principal.key_id,
        details={"reason": order.cancellation_reason.value, "note": input.note},
    )
    return order
