"""shipOrder: a CONFIRMED order leaves the warehouse."""

from app.context import AppContext, Info
from app.domain.lifecycle import Action, transition
from app.domain.vocabulary import OrderEventKind
from db import models
from db.queries import order_events
from db.queries.order_writes import move, touch
from graphql_schema.orders.inputs import ShipOrderInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload, utc_now
from resolvers.outcome import in_transaction


async def ship_order(info: Info, input: ShipOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: ship(ctx, input), ctx.stock)
    return order_payload(ctx, row, errors)


async def ship(ctx: AppContext, input: ShipOrderInput) -> models.Order:
    order = await locked_order(ctx, input)
    before = order.status
    move(order, transition(Action.SHIP, before, utc_now()))
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session, order, OrderEventKind.SHIPPED, before=before, actor=ctx.principal.key_id
    )
    return order
