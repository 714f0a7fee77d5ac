"""The root lists, once: each one's node type and scoped SELECT, for both read paths.

`resolvers/roots/query.py` makes the Query fields from this table (`root_list_field`), and the
compiled read path (resolvers/compiled/roots.py) compiles exactly the lists named here, through
the same `select` the reference resolvers page through.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import strawberry
from sqlalchemy.sql import Select

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import models
from db.pagination import Ordering
from db.queries import catalog
from graphql_schema.agents.types import Agent
from graphql_schema.clients.types import Client
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection
from graphql_schema.orders.filters import OrderFilter, OrderSort
from graphql_schema.orders.types import Order
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.permissions import OrderRead
from graphql_schema.products.types import Product
from graphql_schema.seasons.types import Season
from resolvers.global_ids import decode_ids
from resolvers.orders.queries import orders_query
from resolvers.paging import list_connection

# from the field's arguments (Python names, paging left out) and the caller's companies
ListSelect: TypeAlias = Callable[[dict[str, Any], frozenset[int]], tuple[Select[Any], Ordering]]


@dataclass(frozen=True)
class RootList:
    """One root list: a connection of `node` rows, paged through `select`."""

    node: type
    select: ListSelect
    arguments: str  # which filtering arguments the field takes: see _RESOLVERS
    description: str | None = None


def _orders(arguments: dict[str, Any], scope: frozenset[int]) -> tuple[Select[Any], Ordering]:
    order_by = arguments.get("order_by", OrderSort.ORDERED_AT_DESC)
    return orders_query(arguments.get("filter"), order_by, company_ids=scope)


def _companies(arguments: dict[str, Any], scope: frozenset[int]) -> tuple[Select[Any], Ordering]:
    search = arguments.get("search")
    return catalog.select_companies(company_ids=scope, search=search), catalog.COMPANIES


def _partners(role: PartnerRole) -> ListSelect:
    def select(arguments: dict[str, Any], scope: frozenset[int]) -> tuple[Select[Any], Ordering]:
        query = catalog.select_partners(
            role, company_ids=scope, only_companies=_only(arguments), search=arguments.get("search")
        )
        return query, catalog.PARTNERS

    return select


def _owned(model: Any, ordering: Ordering) -> ListSelect:
    def select(arguments: dict[str, Any], scope: frozenset[int]) -> tuple[Select[Any], Ordering]:
        query = catalog.select_owned(
            model,
            company_ids=scope,
            only_companies=_only(arguments),
            search=arguments.get("search"),
        )
        return query, ordering

    return select


def _only(arguments: dict[str, Any]) -> list[int] | None:
    return decode_ids(arguments.get("company_ids"), "Company", argument="companyIds")


ROOT_LISTS: dict[str, RootList] = {
    "orders": RootList(
        Order,
        _orders,
        "orders",
        "Orders, filtered and keyset-paged; newest first unless orderBy says else.",
    ),
    "companies": RootList(Company, _companies, "search"),
    "clients": RootList(Client, _partners(PartnerRole.CLIENT), "search_in_companies"),
    "agents": RootList(Agent, _partners(PartnerRole.REPRESENTATIVE), "search_in_companies"),
    "products": RootList(Product, _owned(models.Product, catalog.PRODUCTS), "search_in_companies"),
    "seasons": RootList(Season, _owned(models.Season, catalog.SEASONS), "search_in_companies"),
    "paymentMethods": RootList(
        PaymentMethod,
        _owned(models.PaymentMethod, catalog.PAYMENT_METHODS),
        "search_in_companies",
    ),
}


def root_list_field(name: str) -> Any:
    """The Query field of ROOT_LISTS[name]: its reference resolver, type and permission."""
    entry = ROOT_LISTS[name]
    return strawberry.field(
        resolver=_RESOLVERS[entry.arguments](entry),
        graphql_type=Connection[entry.node],  # type: ignore[name-defined]
        permission_classes=[OrderRead],
        description=entry.description,
    )


async def _page(
    info: Info,
    entry: RootList,
    arguments: dict[str, Any],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Any:
    query, ordering = entry.select(arguments, info.context.loaders.company_ids)
    return await list_connection(
        info, entry.node, ordering.model, query, ordering,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


def _orders_resolver(entry: RootList) -> Any:
    async def orders(
        info: Info,
        filter: OrderFilter | None = None,
        order_by: OrderSort = OrderSort.ORDERED_AT_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        arguments = {"filter": filter, "order_by": order_by}
        return await _page(
            info, entry, arguments, first=first, after=after, last=last, before=before
        )

    return orders


def _search_resolver(entry: RootList) -> Any:
    async def searched(
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        arguments = {"search": search}
        return await _page(
            info, entry, arguments, first=first, after=after, last=last, before=before
        )

    return searched


def _search_in_companies_resolver(entry: RootList) -> Any:
    async def searched(
        info: Info,
        search: str | None = None,
        company_ids: list[strawberry.ID] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        arguments = {"search": search, "company_ids": company_ids}
        return await _page(
            info, entry, arguments, first=first, after=after, last=last, before=before
        )

    return searched


_RESOLVERS: dict[str, Callable[[RootList], Any]] = {
    "orders": _orders_resolver,
    "search": _search_resolver,
    "search_in_companies": _search_in_companies_resolver,
}
