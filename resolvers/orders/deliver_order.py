"""deliverOrder: complete, or partial by product; PARTIALLY_DELIVERED until nothing is pending."""

from strawberry import relay

from app.context import AppContext, Info
from app.domain import deliveries
from app.domain.errors import Invalid
from app.domain.lifecycle import Action, ensure_allowed, transition
from app.domain.stock import requested_per_product
from app.domain.vocabulary import OrderEventKind
from db import models
from db.queries import order_events, order_writes
from db.queries.order_writes import move, touch
from graphql_schema.orders.inputs import DeliverOrderInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload, utc_now
from resolvers.orders.movements import OrderLines, day_moved
from resolvers.orders.stock import movement_key, refusing_shortages
from resolvers.outcome import in_transaction


async def deliver_order(info: Info, input: DeliverOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(
        ctx.session, lambda: deliver(ctx, input), ctx.stock, needs_inventory=True
    )
    return order_payload(ctx, row, errors)


async def deliver(ctx: AppContext, input: DeliverOrderInput) -> models.Order:
    order = await locked_order(ctx, input)
    before = order.status
    ensure_allowed(Action.DELIVER, before)
    if input.complete and input.items:
        raise Invalid("a complete delivery takes no items; send one or the other", path=("items",))
    lines = await OrderLines.load(ctx, order)
    if input.complete:
        plan = deliveries.plan_complete_delivery(lines.views)
    else:
        plan = deliveries.plan_delivery(lines.views, input.items)
    now = utc_now()
    delivered_on = day_moved(order, input.delivered_on, now)
    updated = deliveries.apply_delivery(lines.views, plan)
    lines.write(updated)
    delivery = await order_writes.insert_delivery(
        ctx.session,
        order,
        delivered_on=delivered_on,
        complete=input.complete,
        note=input.note,
        recorded_at=now,
        items=lines.items(plan),
    )
    moved = lines.stock_lines(plan)
    consumed = requested_per_product(moved)
    await refusing_shortages(
        lambda: ctx.stock.consume(movement_key("consume", order), order.id, consumed),
        moved,
        path=("items",),
    )
    order.delivered_quantity += sum(quantity for _, quantity in plan)
    pending = deliveries.pending_units(updated)
    move(order, transition(Action.DELIVER, before, now, pending_units=pending))
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.DELIVERED,
        before=before,
        actor=ctx.principal.key_id,
        details={
            "deliveryId": relay.to_base64("Delivery", delivery.id),
            "complete": input.complete,
            "items": lines.describe(plan),
        },
    )
    return order
