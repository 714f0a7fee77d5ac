"""SQL for reading orders: the list filters, the keyset orderings, lookups by number."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from app.domain.vocabulary import OrderStatus, OrderType
from db.direct import PreparedText, prepared_text
from db.graph_json import SCOPE_PARAMETER, Selection, json_column_bound, scope_parameter
from db.models import Order, Partner
from db.pagination import Ordering
from db.queries.text_search import contains_text

ORDERINGS: dict[str, Ordering] = {
    "ORDERED_AT_ASC": Ordering("orders.ordered_at", Order.ordered_at, Order.id),
    "ORDERED_AT_DESC": Ordering("orders.ordered_at-", Order.ordered_at, Order.id, True),
    "UPDATED_AT_ASC": Ordering("orders.updated_at", Order.updated_at, Order.id),
    "UPDATED_AT_DESC": Ordering("orders.updated_at-", Order.updated_at, Order.id, True),
    "NUMBER_ASC": Ordering("orders.number", Order.number, Order.id),
    "NUMBER_DESC": Ordering("orders.number-", Order.number, Order.id, True),
    "TOTAL_ASC": Ordering("orders.total", Order.total_amount, Order.id),
    "TOTAL_DESC": Ordering("orders.total-", Order.total_amount, Order.id, True),
}


@dataclass(frozen=True, slots=True)
class OrderListFilter:
    """Every list filter of the contract; None means "not filtered on"."""

    statuses: Collection[OrderStatus] | None = None
    type: OrderType | None = None
    company_ids: Collection[int] | None = None
    client_ids: Collection[int] | None = None
    agent_ids: Collection[int] | None = None
    season_ids: Collection[int] | None = None
    ordered_from: datetime | None = None
    ordered_to: datetime | None = None
    updated_since: datetime | None = None
    search: str | None = None
    settled_only: bool = False  # for change feeds: nothing a running write could still precede


def select_orders(list_filter: OrderListFilter, *, company_ids: Collection[int]) -> Select[Any]:
    """The filtered, tenant-scoped SELECT that both a page and its totalCount start from."""
    query = sa.select(Order).where(Order.company_id.in_(company_ids))
    f = list_filter
    conditions: list[sa.ColumnElement[bool]] = []
    if f.statuses is not None:
        conditions.append(Order.status.in_(list(f.statuses)))
    if f.type is not None:
        conditions.append(Order.type == f.type)
    if f.company_ids is not None:
        conditions.append(Order.company_id.in_(f.company_ids))
    if f.client_ids is not None:
        conditions.append(Order.client_id.in_(f.client_ids))
    if f.agent_ids is not None:
        conditions.append(Order.agent_id.in_(f.agent_ids))
    if f.season_ids is not None:
        conditions.append(Order.season_id.in_(f.season_ids))
    if f.ordered_from is not None:
        conditions.append(Order.ordered_at >= f.ordered_from)
    if f.ordered_to is not None:
        conditions.append(Order.ordered_at < f.ordered_to)
    if f.updated_since is not None:
        conditions.append(Order.updated_at >= f.updated_since)
    if f.search:
        conditions.append(_matches_text(f.search))
    if f.settled_only:
        conditions.append(Order.updated_at < _write_horizon())
    return query.where(*conditions)


def _write_horizon() -> sa.ColumnElement[datetime]:
    """The start of the oldest transaction that is writing now (or the present moment).

    A write stamps updated_at at or after its transaction's start, so no change stamped before
    this moment can still be uncommitted: a feed that stops here never has a change land behind
    its cursor later. The cost is that a change shows up once its transaction has ended.
    """
    activity = sa.table(
        "pg_stat_activity",
        sa.column("xact_start"),
        sa.column("backend_xid"),
        sa.column("pid"),
        sa.column("datname"),
    )
    oldest_writer = (
        sa.select(sa.func.min(activity.c.xact_start))
        .where(
            activity.c.backend_xid.is_not(None),
            activity.c.pid != sa.func.pg_backend_pid(),
            activity.c.datname == sa.func.current_database(),
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(oldest_writer, sa.func.clock_timestamp())


def _matches_text(text: str) -> sa.ColumnElement[bool]:
    """The order number or the client's name contains the text.

    As a union of two id lookups, so each side can use its trigram index (migration 0009)
    where pg_trgm exists; an OR with a correlated EXISTS would scan every order instead.
    """
    numbered, named = aliased(Order), aliased(Order)
    by_number = sa.select(numbered.id).where(contains_text((numbered.number,), text))
    by_client = (
        sa.select(named.id)
        .join(Partner, Partner.id == named.client_id)
        .where(contains_text((Partner.name,), text))
    )
    return Order.id.in_(sa.union(by_number, by_client))


def select_order(order_id: int, *, company_ids: Collection[int]) -> Select[Any]:
    return sa.select(Order).where(Order.id == order_id, Order.company_id.in_(company_ids))


def select_orders_by_number(number: str, *, company_ids: Collection[int]) -> Select[Any]:
    """Numbers are unique per company, so a caller with several companies may match several."""
    return sa.select(Order).where(Order.number == number, Order.company_id.in_(company_ids))


@lru_cache(maxsize=256)
def order_json_statement(selection: Selection, *, by_number: bool, as_text: bool) -> Select[Any]:
    """Query.order's one statement on the compiled path, built once per selection.

    Run it with `compiled_order`: the order's id (or number) and the companies are parameters,
    so repeated requests skip building SQL and PostgreSQL sees one statement text.
    """
    scope = scope_parameter()
    key = Order.number if by_number else Order.id
    return (
        sa.select(json_column_bound(selection, as_text=as_text))
        .where(key == sa.bindparam("order_key"), Order.company_id == sa.any_(scope))
        .limit(2)
    )


async def compiled_order(
    session: AsyncSession,
    selection: Selection,
    key: int | str,
    *,
    company_ids: Collection[int],
    as_text: bool,
) -> list[Any]:
    """Up to two orders' JSON for `key` (an id, or a number: several companies may use it)."""
    statement = order_json_statement(selection, by_number=isinstance(key, str), as_text=as_text)
    parameters = {"order_key": key, SCOPE_PARAMETER: sorted(company_ids)}
    return list((await session.scalars(statement, parameters)).all())


def direct_order(
    selection: Selection, key: int | str, *, company_ids: Collection[int]
) -> tuple[PreparedText, dict[str, Any]]:
    """compiled_order's statement (as text) for the driver directly, and its values."""
    statement = order_json_statement(selection, by_number=isinstance(key, str), as_text=True)
    return prepared_text(statement), {"order_key": key, SCOPE_PARAMETER: sorted(company_ids)}


async def first_two(session: AsyncSession, statement: Select[Any]) -> list[Any]:
    """Enough rows to tell one match from several."""
    return list((await session.scalars(statement.limit(2))).all())
