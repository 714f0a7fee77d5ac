"""returnOrderItems: only delivered quantities come back, and never more than was delivered."""

from strawberry import relay

from app.context import AppContext, Info
from app.domain import deliveries
from app.domain.lifecycle import Action, ensure_allowed
from app.domain.stock import requested_per_product
from app.domain.vocabulary import OrderEventKind
from db import models
from db.queries import order_events, order_writes
from db.queries.order_writes import touch
from graphql_schema.orders.inputs import ReturnOrderItemsInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload, utc_now
from resolvers.orders.movements import OrderLines, day_moved
from resolvers.orders.stock import movement_key
from resolvers.outcome import in_transaction


async def return_order_items(info: Info, input: ReturnOrderItemsInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(
        ctx.session, lambda: return_items(ctx, input), ctx.stock, needs_inventory=True
    )
    return order_payload(ctx, row, errors)


async def return_items(ctx: AppContext, input: ReturnOrderItemsInput) -> models.Order:
    order = await locked_order(ctx, input)
    before = order.status
    ensure_allowed(Action.RETURN, before)
    lines = await OrderLines.load(ctx, order)
    plan = deliveries.plan_return(lines.views, input.items)
    now = utc_now()
    returned_on = day_moved(order, input.returned_on, now)
    lines.write(deliveries.apply_return(lines.views, plan))
    returned = await order_writes.insert_return(
        ctx.session,
        order,
        returned_on=returned_on,
        note=input.note,
        recorded_at=now,
        items=lines.items(plan),
    )
    restocked = requested_per_product(lines.stock_lines(plan))
    await ctx.stock.restock(movement_key("restock", order), order.id, restocked)
    order.returned_quantity += sum(quantity for _, quantity in plan)
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.RETURNED,
        before=before,
        actor=ctx.principal.key_id,
        details={"returnId": relay.to_base64("Return", returned.id), "items": lines.describe(plan)},
    )
    return order
