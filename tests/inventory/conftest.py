"""Inventory tests: committed rows (cleaned up after), uvicorn on loopback, GraphQL on real commits.

The test database is shared by the tests that run after these, so everything committed here is
deleted again by the fixture that made it.
"""

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.relay import to_base64
from strawberry.types import ExecutionResult

from app.auth import Principal
from app.context import build_context
from app.inventory.http_app import create_inventory_app
from app.settings import Settings
from app.stock_guard import InventoryGuard
from db import models
from db.engine import LockedAsyncSession, make_engine, make_sessionmaker
from resolvers.roots.schema import schema
from tests.factories import Factory
from tests.served import free_port

ERRORS = "errors { code field message }"
Sessions = async_sessionmaker[AsyncSession]
_numbers = itertools.count(1)


class Uvicorn:
    """An ASGI app served on a fixed loopback port, which can be stopped and started again."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> "Uvicorn":
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            interface="asgi3",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(15):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                    raise RuntimeError("uvicorn stopped before it started")
                await asyncio.sleep(0.02)
        return self

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        async with asyncio.timeout(15):
            await self._task
        self._server = self._task = None


@pytest.fixture(scope="session")
def sessions(engine: AsyncEngine) -> Sessions:
    """Sessions that really commit (no savepoint around the test)."""
    return async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)


@pytest.fixture(scope="session")
async def inventory_url(database_url: str, engine: AsyncEngine) -> AsyncIterator[str]:
    """The inventory HTTP service under uvicorn on loopback, on the test database."""
    server = await Uvicorn(create_inventory_app(database_url, engine=engine)).start()
    yield server.url
    await server.stop()


# --- committed rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    id: int
    code: str


@dataclass(frozen=True)
class Shop:
    """Plain ids and codes (no ORM rows, which a rollback would expire)."""

    company_id: int
    client_id: int
    products: list[Item]

    @classmethod
    def of(
        cls, company: models.Company, client: models.Partner, products: Sequence[models.Product]
    ) -> "Shop":
        return cls(company.id, client.id, [Item(p.id, p.code) for p in products])

    @property
    def company_gid(self) -> str:
        return to_base64("Company", self.company_id)

    def create_input(self, lines: Sequence[tuple[Item, int]]) -> dict[str, Any]:
        return {
            "companyId": self.company_gid,
            "number": f"INV-{next(_numbers):06d}",
            "clientId": to_base64("Client", self.client_id),
            "lines": [{"productId": to_base64("Product", p.id), "quantity": q} for p, q in lines],
        }


async def purge_company(session: AsyncSession, company_id: int) -> None:
    """Delete a committed company and everything hanging off it, stock included."""
    order_ids = sa.select(models.Order.id).where(models.Order.company_id == company_id)
    product_ids = sa.select(models.Product.id).where(models.Product.company_id == company_id)
    statements = [
        sa.delete(models.StockMovement).where(models.StockMovement.order_id.in_(order_ids)),
        sa.delete(models.StockReservation).where(
            models.StockReservation.product_id.in_(product_ids)
        ),
        sa.delete(models.OrderEvent).where(models.OrderEvent.company_id == company_id),
        sa.delete(models.Order).where(models.Order.company_id == company_id),
        sa.delete(models.Product).where(models.Product.company_id == company_id),
        sa.delete(models.Partner).where(models.Partner.company_id == company_id),
        sa.delete(models.Company).where(models.Company.id == company_id),
    ]
    for statement in statements:
        await session.execute(statement)
    await session.commit()


@pytest.fixture
async def make_shop(sessions: Sessions) -> AsyncIterator[Callable[..., Awaitable[Shop]]]:
    """Commit a company with a client and products with the given stock (None: never stocked)."""
    made: list[int] = []

    async def make(stocks: Sequence[int | None] = (10,)) -> Shop:
        async with sessions() as session:
            factory = Factory(session)
            company = await factory.company()
            made.append(company.id)
            client = await factory.client(company)
            await factory.address(client)
            products = [await factory.product(company, stock=stock) for stock in stocks]
            await session.commit()
        return Shop.of(company, client, products)

    yield make
    async with sessions() as session:
        for company_id in made:
            await purge_company(session, company_id)


async def stock_row(sessions: Sessions, product_id: int) -> tuple[int, int] | None:
    """(on_hand, reserved), or None when the product was never stocked."""
    async with sessions() as session:
        row = await session.execute(
            sa.select(models.StockItem.on_hand, models.StockItem.reserved).where(
                models.StockItem.product_id == product_id
            )
        )
        found = row.one_or_none()
    return None if found is None else (found[0], found[1])


async def held_by(sessions: Sessions, order_id: int) -> dict[int, int]:
    async with sessions() as session:
        rows = await session.execute(
            sa.select(models.StockReservation.product_id, models.StockReservation.quantity).where(
                models.StockReservation.order_id == order_id
            )
        )
        return {product_id: quantity for product_id, quantity in rows.all() if quantity}


async def order_count(sessions: Sessions, company_id: int) -> int:
    async with sessions() as session:
        statement = sa.select(sa.func.count()).where(models.Order.company_id == company_id)
        return int(await session.scalar(statement.select_from(models.Order)) or 0)


# --- the order side, as the GraphQL server would run it ---------------------------------------


class OrderSide:
    """Runs GraphQL operations, each in its own committed session, with one process-wide guard."""

    def __init__(
        self,
        sessions: Sessions,
        company_ids: Sequence[int],
        guard: InventoryGuard,
        http: httpx.AsyncClient | None = None,
        undo_log: Sessions | None = None,
    ) -> None:
        self.sessions = sessions
        self.undo_log = undo_log
        self.principal = Principal(
            key_id="test", company_ids=frozenset(company_ids), scopes=frozenset({"admin"})
        )
        self.settings = Settings(database_url=None, _env_file=None)  # type: ignore[call-arg]
        self.guard = guard
        self.http = http

    async def execute(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        async with self.sessions() as session:
            context = build_context(
                session,
                self.principal,
                self.settings,
                "test",
                guard=self.guard,
                inventory_http=self.http,
                undo_log=self.undo_log,  # as the server: remote movements are logged
            )
            result: ExecutionResult = await schema.execute(
                document, variable_values=variables, context_value=context
            )
        return result

    async def mutate(self, name: str, input: dict[str, Any]) -> dict[str, Any]:
        """The payload of mutation `name`: {"order": {id status} | None, "errors": [...]}."""
        input_type = name[0].upper() + name[1:] + "Input"
        document = (
            f"mutation M($input: {input_type}!) {{ {name}(input: $input) "
            f"{{ order {{ id status }} {ERRORS} }} }}"
        )
        result = await self.execute(document, {"input": input})
        assert result.errors is None, result.errors
        payload: dict[str, Any] = result.data[name]
        return payload

    async def create(self, shop: Shop, lines: Sequence[tuple[Item, int]]) -> Any:
        return await self.mutate("createOrder", shop.create_input(lines))

    async def confirm(self, order_gid: str) -> Any:
        return await self.mutate("confirmOrder", {"id": order_gid})


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["errors"]]


@pytest.fixture(scope="session")
async def undo_log(database_url: str) -> AsyncIterator[Sessions]:
    """The remote inventory's undo log on a small pool of its own, as the server has it."""
    engine = make_engine(database_url, pool_size=2)
    yield make_sessionmaker(engine)
    await engine.dispose()
