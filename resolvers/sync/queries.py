"""orderChanges(integration): the sync feed after the integration's checkpoint, sends recorded."""

from app.context import Info
from app.domain.sync import integration_errors
from db import models
from db.engine import unit_of_work
from db.queries import sync_checkpoints
from db.queries.orders import OrderListFilter, select_orders
from graphql_schema.connection import Connection
from graphql_schema.errors import QueryInputError
from graphql_schema.orders.types import Order
from resolvers.paging import list_connection
from resolvers.sync.checkpoints import FEED, cursor_of


async def order_changes(
    info: Info, integration: str, first: int | None = None, after: str | None = None
) -> Connection[Order]:
    """After `after` when given (paging on before acknowledging), else after the checkpoint.

    Only settled changes are served (see OrderListFilter.settled_only), so a change committed
    late, behind a position already served, still comes: none is skipped while writes go on.
    """
    ctx = info.context
    problems = integration_errors(integration, ("integration",))
    if problems:
        raise QueryInputError("integration", problems[0].message)
    key_id = ctx.principal.key_id
    if after is None:
        checkpoint = await sync_checkpoints.get_checkpoint(
            ctx.session, key_id=key_id, integration=integration
        )
        after = None if checkpoint is None else cursor_of(checkpoint)
    query = select_orders(OrderListFilter(settled_only=True), company_ids=ctx.loaders.company_ids)
    connection = await list_connection(
        info, Order, models.Order, query, FEED, first=first, after=after, last=None, before=None
    )
    sent = [edge.node for edge in connection.edges]
    async with unit_of_work(ctx.session):
        await sync_checkpoints.record_sent(
            ctx.session, key_id=key_id, integration=integration, orders=sent
        )
    return connection
