"""Lists of reference data: companies, clients, agents, products, seasons, payment methods."""

from typing import Any, TypeVar

import strawberry
from sqlalchemy.sql import Select

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import models
from db.pagination import Ordering
from db.queries import reference
from graphql_schema.agents.types import Agent
from graphql_schema.clients.types import Client
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.products.types import Product
from graphql_schema.seasons.types import Season
from resolvers.global_ids import decode_ids
from resolvers.paging import list_connection

T = TypeVar("T")


def reference_list(
    name: str,
    scope: frozenset[int],
    *,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
) -> tuple[Select[Any], Ordering]:
    """One reference list's scoped, searched SELECT and its ordering; compiled reads share it."""
    if name == "companies":
        return reference.select_companies(company_ids=scope, search=search), reference.COMPANIES
    only = decode_ids(company_ids, "Company", argument="companyIds")
    if name in _PARTNER_ROLES:
        query = reference.select_partners(
            _PARTNER_ROLES[name], company_ids=scope, only_companies=only, search=search
        )
        return query, reference.PARTNERS
    model, ordering = _OWNED[name]
    query = reference.select_owned(model, company_ids=scope, only_companies=only, search=search)
    return query, ordering


_PARTNER_ROLES = {"clients": PartnerRole.CLIENT, "agents": PartnerRole.REPRESENTATIVE}
_OWNED: dict[str, tuple[type[models.Product | models.Season | models.PaymentMethod], Ordering]] = {
    "products": (models.Product, reference.PRODUCTS),
    "seasons": (models.Season, reference.SEASONS),
    "payment_methods": (models.PaymentMethod, reference.PAYMENT_METHODS),
}


async def _page(
    info: Info,
    name: str,
    node_type: type[T],
    *,
    search: str | None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[T]:
    scope = info.context.loaders.company_ids
    query, ordering = reference_list(name, scope, search=search, company_ids=company_ids)
    return await list_connection(
        info, node_type, ordering.model, query, ordering,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def companies(
    info: Info,
    search: str | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Company]:
    return await _page(
        info, "companies", Company, search=search,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def clients(
    info: Info,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Client]:
    return await _page(
        info, "clients", Client, search=search, company_ids=company_ids,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def agents(
    info: Info,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Agent]:
    return await _page(
        info, "agents", Agent, search=search, company_ids=company_ids,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def products(
    info: Info,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Product]:
    return await _page(
        info, "products", Product, search=search, company_ids=company_ids,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def seasons(
    info: Info,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Season]:
    return await _page(
        info, "seasons", Season, search=search, company_ids=company_ids,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip


async def payment_methods(
    info: Info,
    search: str | None = None,
    company_ids: list[strawberry.ID] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[PaymentMethod]:
    return await _page(
        info, "payment_methods", PaymentMethod, search=search, company_ids=company_ids,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip
