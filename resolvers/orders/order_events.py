"""orderEvents: history events as they commit, each read with a short session of its own."""

from collections.abc import AsyncGenerator

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import KeyWatch
from app.context import Info
from db import models
from graphql_schema.orders.event_filters import OrderEventFilter
from graphql_schema.orders.events import OrderEvent
from graphql_schema.rows import from_row
from resolvers.global_ids import decode_ids


async def order_events(
    info: Info, filter: OrderEventFilter | None = None
) -> AsyncGenerator[OrderEvent, None]:
    ctx = info.context
    given = filter or OrderEventFilter()
    companies = ctx.principal.company_ids
    wanted_companies = decode_ids(given.company_ids, "Company", argument="filter.companyIds")
    if wanted_companies is not None:
        companies = companies & set(wanted_companies)
    orders = decode_ids(given.order_ids, "Order", argument="filter.orderIds")
    kinds = None if given.kinds is None else {kind.value for kind in given.kinds}
    if ctx.events is None or ctx.sessionmaker is None:
        raise RuntimeError("subscriptions need the server's event stream and sessionmaker")
    # the key was checked when the WebSocket connected; it may be revoked while it streams
    watch = KeyWatch(ctx.principal.api_key_id, ctx.settings.key_recheck_interval_s)
    async with ctx.sessionmaker() as session:
        await _ensure_active(watch, session)
    async with ctx.events.subscribe(frozenset(companies)) as queue:
        while True:
            event_id = await queue.get()
            async with ctx.sessionmaker() as session:
                await _ensure_active(watch, session)
                row = await session.get(models.OrderEvent, event_id)
            if row is None or row.company_id not in companies:
                continue
            if (orders is None or row.order_id in orders) and (kinds is None or row.kind in kinds):
                yield from_row(OrderEvent, row)


async def _ensure_active(watch: KeyWatch, session: AsyncSession) -> None:
    """End the subscription, saying why, once its key is revoked."""
    if await watch.revoked(session):
        raise GraphQLError("this API key has been revoked", extensions={"code": "UNAUTHENTICATED"})
