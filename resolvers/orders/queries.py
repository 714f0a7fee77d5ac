"""order() and orders(): one order by id or number, and the filtered, keyset-paged list."""

from datetime import datetime
from typing import Any

from sqlalchemy.sql import Select
from strawberry import relay

from app.context import Info
from db import models
from db.pagination import Ordering
from db.queries import orders as order_queries
from graphql_schema.connection import Connection
from graphql_schema.errors import QueryInputError, input_path
from graphql_schema.orders.filters import OrderFilter, OrderSort
from graphql_schema.orders.types import Order
from graphql_schema.rows import from_row
from resolvers.global_ids import decode_id, decode_ids
from resolvers.paging import list_connection


async def order(
    info: Info,
    id: relay.GlobalID | None = None,
    number: str | None = None,
    company_id: relay.GlobalID | None = None,
) -> Order | None:
    if (id is None) == (number is None):
        raise QueryInputError("id", "pass either id or number")
    loaders = info.context.loaders
    if id is not None:
        row = await loaders.by_id(models.Order).load(decode_id(id, "Order", argument="id"))
        return from_row(Order, row) if row is not None else None
    scope = loaders.company_ids
    if company_id is not None:
        scope = scope & {decode_id(company_id, "Company", argument="companyId")}
    assert number is not None
    rows = await order_queries.orders_by_number(info.context.session, number, company_ids=scope)
    if len(rows) > 1:
        raise QueryInputError("number", "several companies use this number; pass companyId")
    return from_row(Order, rows[0]) if rows else None


async def orders(
    info: Info,
    filter: OrderFilter | None = None,
    order_by: OrderSort = OrderSort.ORDERED_AT_DESC,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Order]:
    query, ordering = orders_query(filter, order_by, company_ids=info.context.loaders.company_ids)
    return await list_connection(
        info, Order, models.Order, query, ordering,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


def orders_query(
    filter: OrderFilter | None, order_by: OrderSort, *, company_ids: frozenset[int]
) -> tuple[Select[Any], Ordering]:
    """The scoped, filtered SELECT and its keyset ordering; the compiled read path shares it."""
    list_filter = _list_filter(filter or OrderFilter(), feed=order_by is OrderSort.UPDATED_AT_ASC)
    query = order_queries.select_orders(list_filter, company_ids=company_ids)
    return query, order_queries.ORDERINGS[order_by.value]


def _list_filter(given: OrderFilter, *, feed: bool) -> order_queries.OrderListFilter:
    """`feed`: paging by UPDATED_AT_ASC is how ERPs sync, so it only serves settled changes."""
    for name in ("ordered_from", "ordered_to", "updated_since"):
        _require_timezone(getattr(given, name), name)
    return order_queries.OrderListFilter(
        statuses=given.status,
        type=given.type,
        company_ids=decode_ids(given.company_ids, "Company", argument="filter.companyIds"),
        client_ids=decode_ids(given.client_ids, "Client", argument="filter.clientIds"),
        agent_ids=decode_ids(given.agent_ids, "Agent", argument="filter.agentIds"),
        season_ids=decode_ids(given.season_ids, "Season", argument="filter.seasonIds"),
        ordered_from=given.ordered_from,
        ordered_to=given.ordered_to,
        updated_since=given.updated_since,
        search=given.search,
        settled_only=feed,
    )


def _require_timezone(value: datetime | None, name: str) -> None:
    if value is not None and value.tzinfo is None:
        raise QueryInputError(
            input_path(("filter", name)), "give a timezone, e.g. 2025-01-31T00:00:00Z"
        )
