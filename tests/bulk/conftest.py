"""Background jobs need committed rows: the worker works on its own connections."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.auth import Principal
from app.bulk_worker import BulkWorker
from app.context import build_context
from app.settings import Settings
from app.stock_guard import InventoryGuard
from db import models
from db.engine import LockedAsyncSession
from resolvers.roots.schema import schema
from tests.factories import Factory


@dataclass
class Shop:
    company: models.Company
    client: models.Partner
    products: list[models.Product]


class Caller:
    """Runs operations as a key of the given companies, each call on its own committed session."""

    def __init__(self, engine: AsyncEngine, principal: Principal, settings: Settings) -> None:
        self.sessions = async_sessionmaker(
            engine, class_=LockedAsyncSession, expire_on_commit=False
        )
        self.principal = principal
        self.settings = settings

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async with self.sessions() as session:
            context = build_context(session, self.principal, self.settings, "test")
            result = await schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        return result.data


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, bulk_chunk_size=3, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def shops(engine: AsyncEngine) -> AsyncIterator[list[Shop]]:
    """Two companies with a client and products each, committed; all removed afterwards."""
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    async with sessions() as session:
        factory = Factory(session)
        made = []
        for code in ("BULKA", "BULKB"):
            company = await factory.company(code=code)
            client = await factory.client(company, code="CLI1")
            products = [await factory.product(company, code=f"P{i}") for i in range(3)]
            made.append(Shop(company, client, products))
    yield made
    async with sessions() as session, session.begin():
        ids = [shop.company.id for shop in made]
        await session.execute(sa.delete(models.BulkOperation))
        orders = sa.select(models.Order.id).where(models.Order.company_id.in_(ids))
        await session.execute(
            sa.delete(models.OrderEvent).where(models.OrderEvent.order_id.in_(orders))
        )
        await session.execute(
            sa.delete(models.StockReservation).where(models.StockReservation.order_id.in_(orders))
        )
        await session.execute(
            sa.delete(models.StockMovement).where(models.StockMovement.order_id.in_(orders))
        )
        await session.execute(sa.delete(models.Order).where(models.Order.company_id.in_(ids)))
        for model in (models.Product, models.Partner):
            await session.execute(sa.delete(model).where(model.company_id.in_(ids)))
        await session.execute(sa.delete(models.Company).where(models.Company.id.in_(ids)))


@pytest.fixture
def caller(engine: AsyncEngine, shops: list[Shop], settings: Settings) -> Caller:
    principal = Principal(
        key_id="bulk-test",
        company_ids=frozenset({shops[0].company.id}),
        scopes=frozenset({"admin"}),
    )
    return Caller(engine, principal, settings)


@pytest.fixture
def worker(engine: AsyncEngine, settings: Settings) -> BulkWorker:
    return make_worker(engine, settings)


def make_worker(engine: AsyncEngine, settings: Settings) -> BulkWorker:
    guard = InventoryGuard(fail_max=5, reset_timeout_s=30, call_timeout_s=5)
    return BulkWorker(engine, settings, guard=guard)
