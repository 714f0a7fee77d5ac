"""order(): one order by id or number; orders_query(): the SELECT the orders list pages through."""

from typing import Any

import strawberry
from sqlalchemy.sql import Select

from app.context import Info
from db.pagination import Ordering
from db.queries import orders as order_queries
from graphql_schema.errors import QueryInputError
from graphql_schema.orders.filters import OrderFilter, OrderSort
from graphql_schema.orders.types import Order
from graphql_schema.rows import from_row
from resolvers.arguments import instant_argument
from resolvers.global_ids import decode_id, decode_ids


async def order(
    info: Info,
    id: strawberry.ID | None = None,
    number: str | None = None,
    company_id: strawberry.ID | None = None,
) -> Order | None:
    statement = order_query(id, number, company_id, company_ids=info.context.loaders.company_ids)
    rows = await order_queries.first_two(info.context.session, statement)
    if len(rows) > 1:
        raise QueryInputError("number", "several companies use this number; pass companyId")
    return from_row(Order, rows[0]) if rows else None


def order_lookup(
    id: str | None, number: str | None, company_id: str | None, *, company_ids: frozenset[int]
) -> tuple[int | str, frozenset[int]]:
    """order(id | number)'s key (an order id, or a number) and the companies to look in.

    Both read paths look an order up through this, so they refuse the same arguments.
    """
    if (id is None) == (number is None):
        raise QueryInputError("id", "pass either id or number")
    if id is not None:
        return decode_id(id, "Order", argument="id"), company_ids
    scope = company_ids
    if company_id is not None:
        scope = scope & {decode_id(company_id, "Company", argument="companyId")}
    assert number is not None
    return number, scope


def order_query(
    id: str | None, number: str | None, company_id: str | None, *, company_ids: frozenset[int]
) -> Select[Any]:
    """order(id | number) as a scoped SELECT."""
    key, scope = order_lookup(id, number, company_id, company_ids=company_ids)
    if isinstance(key, int):
        return order_queries.select_order(key, company_ids=scope)
    return order_queries.select_orders_by_number(key, company_ids=scope)


def orders_query(
    filter: OrderFilter | None, order_by: OrderSort, *, company_ids: frozenset[int]
) -> tuple[Select[Any], Ordering]:
    """The scoped, filtered SELECT and its keyset ordering; the compiled read path shares it."""
    list_filter = _list_filter(filter or OrderFilter(), feed=order_by is OrderSort.UPDATED_AT_ASC)
    query = order_queries.select_orders(list_filter, company_ids=company_ids)
    return query, order_queries.ORDERINGS[order_by.value]


def _list_filter(given: OrderFilter, *, feed: bool) -> order_queries.OrderListFilter:
    """`feed`: paging by UPDATED_AT_ASC is how ERPs sync, so it only serves settled changes."""
    return order_queries.OrderListFilter(
        statuses=given.status,
        type=given.type,
        company_ids=decode_ids(given.company_ids, "Company", argument="filter.companyIds"),
        client_ids=decode_ids(given.client_ids, "Client", argument="filter.clientIds"),
        agent_ids=decode_ids(given.agent_ids, "Agent", argument="filter.agentIds"),
        season_ids=decode_ids(given.season_ids, "Season", argument="filter.seasonIds"),
        ordered_from=instant_argument(given.ordered_from, "filter.orderedFrom"),
        ordered_to=instant_argument(given.ordered_to, "filter.orderedTo"),
        updated_since=instant_argument(given.updated_since, "filter.updatedSince"),
        search=given.search,
        settled_only=feed,
    )
