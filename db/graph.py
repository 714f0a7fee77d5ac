"""The read graph: which table backs each GraphQL type, how types link, and the batched SQL.

Kept in one place on purpose: the DataLoaders of the reference read path are built from it, and
the compiled read path (db/graph_json.py) turns the same map into one SQL statement. Scalar
GraphQL fields read the ORM attribute of the same Python name (see graphql_schema.rows), so this
map only has to describe the links.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db import models
from db.base import Base
from db.pagination import Ordering, Page, PageRequest, keyset_pages_per_parent


@dataclass(frozen=True, slots=True)
class Children:
    """A one-to-many link: rows of `model` whose `parent_key` points at the parent's id."""

    model: type[Base]
    parent_key: InstrumentedAttribute[int | None]  # a line discount's order_line_id is nullable
    order_by: tuple[InstrumentedAttribute[Any], ...]
    where: tuple[sa.ColumnElement[bool], ...] = ()


@dataclass(frozen=True, slots=True)
class One:
    """A many-to-one link: the row of `model` whose id the parent holds in `key`."""

    model: type[Base]
    key: InstrumentedAttribute[Any]


@dataclass(frozen=True, slots=True)
class PagedChildren:
    """A one-to-many link exposed as a connection: keyset pages per parent."""

    model: type[Base]
    parent_key: InstrumentedAttribute[int]
    ordering: Ordering


ORDER_LINES = Children(models.OrderLine, models.OrderLine.order_id, (models.OrderLine.position,))
HEADER_DISCOUNTS = Children(
    models.Discount,
    models.Discount.order_id,
    (models.Discount.sequence, models.Discount.id),
    where=(models.Discount.order_line_id.is_(None),),
)
LINE_DISCOUNTS = Children(
    models.Discount, models.Discount.order_line_id, (models.Discount.sequence, models.Discount.id)
)
ADDRESSES = Children(models.Address, models.Address.partner_id, (models.Address.id,))
DELIVERIES = Children(
    models.Delivery, models.Delivery.order_id, (models.Delivery.delivered_on, models.Delivery.id)
)
DELIVERY_ITEMS = Children(
    models.DeliveryItem, models.DeliveryItem.delivery_id, (models.DeliveryItem.id,)
)
RETURNS = Children(
    models.Return, models.Return.order_id, (models.Return.returned_on, models.Return.id)
)
RETURN_ITEMS = Children(models.ReturnItem, models.ReturnItem.return_id, (models.ReturnItem.id,))
QUICK_ORDER_SUGGESTIONS = Children(
    models.QuickOrderSuggestion,
    models.QuickOrderSuggestion.client_id,
    (models.QuickOrderSuggestion.rank, models.QuickOrderSuggestion.id),
)

ORDER_EVENTS = PagedChildren(
    models.OrderEvent,
    models.OrderEvent.order_id,
    Ordering("order.events", models.OrderEvent.occurred_at, models.OrderEvent.id),
)
CLIENT_ORDERS = PagedChildren(
    models.Order,
    models.Order.client_id,
    Ordering("client.orders", models.Order.ordered_at, models.Order.id, descending=True),
)

ORDER_COMPANY = One(models.Company, models.Order.company_id)
ORDER_CLIENT = One(models.Partner, models.Order.client_id)
ORDER_AGENT = One(models.Partner, models.Order.agent_id)
ORDER_SEASON = One(models.Season, models.Order.season_id)
ORDER_PAYMENT_METHOD = One(models.PaymentMethod, models.Order.payment_method_id)
ORDER_SHIPPING_ADDRESS = One(models.Address, models.Order.shipping_address_id)
ORDER_BILLING_ADDRESS = One(models.Address, models.Order.billing_address_id)
LINE_PRODUCT = One(models.Product, models.OrderLine.product_id)
# delivery and return items both name their product in a product_id column
MOVED_PRODUCT = One(models.Product, models.DeliveryItem.product_id)
SUGGESTED_PRODUCT = One(models.Product, models.QuickOrderSuggestion.product_id)
PARTNER_COMPANY = One(models.Company, models.Partner.company_id)
SEASON_COMPANY = One(models.Company, models.Season.company_id)
PRODUCT_COMPANY = One(models.Company, models.Product.company_id)

# Rows without a company_id of their own belong to the company of the row they hang from.
_OWNER: dict[type[Base], tuple[InstrumentedAttribute[int], type[Base]]] = {
    models.Address: (models.Address.partner_id, models.Partner),
    models.OrderLine: (models.OrderLine.order_id, models.Order),
    models.Discount: (models.Discount.order_id, models.Order),
    models.Delivery: (models.Delivery.order_id, models.Order),
    models.Return: (models.Return.order_id, models.Order),
    models.DeliveryItem: (models.DeliveryItem.delivery_id, models.Delivery),
    models.ReturnItem: (models.ReturnItem.return_id, models.Return),
    models.QuickOrderSuggestion: (models.QuickOrderSuggestion.client_id, models.Partner),
}


Scope: TypeAlias = Collection[int] | sa.ColumnElement[Any]


def in_scope(model: type[Base], company_ids: Scope, *, row: Any = None) -> sa.ColumnElement[bool]:
    """The WHERE term that limits `model` to the caller's companies, through its owners.

    `company_ids` is the ids, or an integer-array expression that holds them (the compiled read
    path binds one array for all its subqueries). `row` is an alias of `model` to limit instead.
    """
    row = model if row is None else row
    if model is models.Company:
        return _member(row.id, company_ids)
    if model is models.BulkOperation:  # runs for a set of companies: all must be the caller's
        ids = company_ids if isinstance(company_ids, sa.ColumnElement) else sorted(company_ids)
        return row.company_ids.contained_by(ids)  # type: ignore[no-any-return]
    if model in _OWNER:
        key, owner = _OWNER[model]
        owner_id: InstrumentedAttribute[int] = owner.id  # type: ignore[attr-defined]
        owned_by = getattr(row, key.key)
        return owned_by.in_(sa.select(owner_id).where(in_scope(owner, company_ids)))  # type: ignore[no-any-return]
    return _member(row.company_id, company_ids)


def _member(column: Any, company_ids: Scope) -> sa.ColumnElement[bool]:
    if isinstance(company_ids, sa.ColumnElement):
        return column == sa.any_(company_ids)  # type: ignore[no-any-return]
    return column.in_(company_ids)  # type: ignore[no-any-return]


async def rows_by_ids(
    session: AsyncSession, model: type[Base], ids: Sequence[int], *, company_ids: Collection[int]
) -> dict[int, Any]:
    """One SELECT for many ids; ids outside the caller's companies are simply absent."""
    row_id: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
    statement = sa.select(model).where(row_id.in_(ids), in_scope(model, company_ids))
    return {getattr(row, row_id.key): row for row in (await session.scalars(statement)).all()}


async def rows_by_parent_ids(
    session: AsyncSession, link: Children, parent_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Children of many parents in one SELECT. Callers pass parents already in scope."""
    statement = (
        sa.select(link.model)
        .where(link.parent_key.in_(parent_ids), *link.where)
        .order_by(link.parent_key, *link.order_by)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.scalars(statement)).all():
        grouped[getattr(row, link.parent_key.key)].append(row)
    return grouped


async def pages_by_parent_ids(
    session: AsyncSession,
    link: PagedChildren,
    parent_ids: Sequence[int],
    request: PageRequest,
    *,
    company_ids: Collection[int],
) -> dict[int, Page]:
    """A page of children per parent; a child of another company is not shown, as by id."""
    query = sa.select(link.model).where(in_scope(link.model, company_ids))
    return await keyset_pages_per_parent(
        session, query, link.parent_key, parent_ids, link.ordering, request
    )


async def counts_by_parent_ids(
    session: AsyncSession,
    link: PagedChildren,
    parent_ids: Sequence[int],
    *,
    company_ids: Collection[int],
) -> dict[int, int]:
    statement = (
        sa.select(link.parent_key, sa.func.count())
        .where(link.parent_key.in_(parent_ids), in_scope(link.model, company_ids))
        .group_by(link.parent_key)
    )
    return dict((await session.execute(statement)).all())
