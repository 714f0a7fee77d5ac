"""deleteOrder: a PENDING or CANCELLED order goes, with its lines; its history stays."""

from strawberry import relay

from app.context import AppContext, Info
from app.domain.lifecycle import Action, ensure_allowed
from app.domain.vocabulary import OrderEventKind
from db.queries import order_events, order_writes
from graphql_schema.orders.inputs import DeleteOrderInput
from graphql_schema.orders.payloads import DeleteOrderPayload
from resolvers.orders.locking import locked_order
from resolvers.outcome import in_transaction


async def delete_order(info: Info, input: DeleteOrderInput) -> DeleteOrderPayload:
    ctx = info.context
    deleted, errors = await in_transaction(ctx.session, lambda: delete(ctx, input), ctx.stock)
    if deleted is None:
        return DeleteOrderPayload(errors=errors)
    return DeleteOrderPayload(deleted_id=relay.GlobalID("Order", str(deleted)))


async def delete(ctx: AppContext, input: DeleteOrderInput) -> int:
    order = await locked_order(ctx, input)
    ensure_allowed(Action.DELETE, order.status)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.DELETED,
        before=order.status,
        actor=ctx.principal.key_id,
        details={"number": order.number},
    )
    await order_writes.delete_order(ctx.session, order)
    return order.id
