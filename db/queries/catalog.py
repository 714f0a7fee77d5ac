"""SQL for reading the catalog lists: companies, partners, products, seasons, payment methods."""

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from app.domain.vocabulary import PartnerRole
from db import models
from db.graph import in_scope
from db.pagination import Ordering
from db.queries.text_search import contains_text

COMPANIES = Ordering("companies.code", models.Company.code, models.Company.id)
PARTNERS = Ordering("partners.name", models.Partner.name, models.Partner.id)
PRODUCTS = Ordering("products.code", models.Product.code, models.Product.id)
SEASONS = Ordering("seasons.code", models.Season.code, models.Season.id)
PAYMENT_METHODS = Ordering(
    "payment_methods.code", models.PaymentMethod.code, models.PaymentMethod.id
)


def _search(columns: tuple[Any, ...], text: str | None) -> list[sa.ColumnElement[bool]]:
    return [contains_text(columns, text)] if text else []


def select_companies(*, company_ids: Collection[int], search: str | None = None) -> Select[Any]:
    return sa.select(models.Company).where(
        in_scope(models.Company, company_ids),
        *_search((models.Company.code, models.Company.name), search),
    )


def select_partners(
    role: PartnerRole,
    *,
    company_ids: Collection[int],
    only_companies: Collection[int] | None = None,
    search: str | None = None,
) -> Select[Any]:
    """Clients or agents: partners holding `role` (a partner may hold both)."""
    query = sa.select(models.Partner).where(
        in_scope(models.Partner, company_ids),
        models.Partner.roles.contains([role.value]),
        *_search((models.Partner.name, models.Partner.code, models.Partner.tax_id), search),
    )
    if only_companies is not None:
        query = query.where(models.Partner.company_id.in_(only_companies))
    return query


def select_owned(
    model: type[models.Product] | type[models.Season] | type[models.PaymentMethod],
    *,
    company_ids: Collection[int],
    only_companies: Collection[int] | None = None,
    search: str | None = None,
) -> Select[Any]:
    """Products, seasons or payment methods of the caller's companies."""
    searchable = {
        models.Product: (models.Product.code, models.Product.name),
        models.Season: (models.Season.code, models.Season.description),
        models.PaymentMethod: (models.PaymentMethod.code, models.PaymentMethod.name),
    }[model]
    query = sa.select(model).where(in_scope(model, company_ids), *_search(searchable, search))
    if only_companies is not None:
        query = query.where(model.company_id.in_(only_companies))
    return query


async def company_for_update(
    session: AsyncSession, company_id: int, *, company_ids: Collection[int]
) -> models.Company | None:
    """The company, row-locked until commit, when it is among the caller's."""
    return await session.scalar(
        sa.select(models.Company)
        .where(models.Company.id == company_id, in_scope(models.Company, company_ids))
        .with_for_update()
    )
