"""Lists of reference data: companies, clients, agents, products, seasons, payment methods."""

import strawberry

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import models
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


async def companies(
    info: Info,
    search: str | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Company]:
    query = reference.select_companies(company_ids=info.context.loaders.company_ids, search=search)
    return await list_connection(
        info, Company, models.Company, query, reference.COMPANIES,
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
    query = reference.select_partners(
        PartnerRole.CLIENT,
        company_ids=info.context.loaders.company_ids,
        only_companies=decode_ids(company_ids, "Company", argument="companyIds"),
        search=search,
    )
    return await list_connection(
        info, Client, models.Partner, query, reference.PARTNERS,
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
    query = reference.select_partners(
        PartnerRole.REPRESENTATIVE,
        company_ids=info.context.loaders.company_ids,
        only_companies=decode_ids(company_ids, "Company", argument="companyIds"),
        search=search,
    )
    return await list_connection(
        info, Agent, models.Partner, query, reference.PARTNERS,
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
    query = reference.select_owned(
        models.Product,
        company_ids=info.context.loaders.company_ids,
        only_companies=decode_ids(company_ids, "Company", argument="companyIds"),
        search=search,
    )
    return await list_connection(
        info, Product, models.Product, query, reference.PRODUCTS,
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
    query = reference.select_owned(
        models.Season,
        company_ids=info.context.loaders.company_ids,
        only_companies=decode_ids(company_ids, "Company", argument="companyIds"),
        search=search,
    )
    return await list_connection(
        info, Season, models.Season, query, reference.SEASONS,
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
    query = reference.select_owned(
        models.PaymentMethod,
        company_ids=info.context.loaders.company_ids,
        only_companies=decode_ids(company_ids, "Company", argument="companyIds"),
        search=search,
    )
    return await list_connection(
        info, PaymentMethod, models.PaymentMethod, query, reference.PAYMENT_METHODS,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip
