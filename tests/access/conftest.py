"""Access tests: the real ASGI app (create_app + its lifespan) over httpx, with real API keys.

Keys and companies are committed (the app reads them on its own connections), so everything
made here is deleted again when the fixture that made it ends: later tests share the database.
"""

import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from strawberry.relay import to_base64

from app.api_keys import IssuedKey, issue_key
from app.main import create_app
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from tests.factories import Factory

Sessions = async_sessionmaker[AsyncSession]
BASE_URL = "http://127.0.0.1"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}".upper()


@pytest.fixture(scope="session")
def sessions(engine: AsyncEngine) -> Sessions:
    """Sessions that really commit (no savepoint around the test)."""
    return async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)


@pytest.fixture
def settings_for(database_url: str) -> Callable[..., Settings]:
    """Settings on the test database, with the given overrides (no .env).

    No background bulk or webhook worker: their polling would run SQL while a test checks that
    none runs.
    """

    def make(**overrides: Any) -> Settings:
        given = {"bulk_worker_enabled": False, "webhook_worker_enabled": False} | overrides
        return Settings(database_url=database_url, _env_file=None, **given)  # type: ignore[call-arg]

    return make


# --- the app and its keys ------------------------------------------------------------------------


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Starlette]:
    """create_app(settings) with its lifespan run (httpx's ASGITransport does not run it)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def http(app: Starlette, key: str | None = None, *, header: str = "authorization") -> Any:
    """An httpx client bound to the app, sending `key` in `header` (Bearer for authorization)."""
    headers = {}
    if key is not None:
        headers[header] = f"Bearer {key}" if header == "authorization" else key
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


class KeyRing:
    """Issues committed keys and deletes them (and any id handed to `forget`) at teardown."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        self.ids: list[int] = []

    async def issue(
        self, scopes: Sequence[str] = ("order.read",), companies: Sequence[str] | None = None
    ) -> IssuedKey:
        async with self.sessions() as session:
            issued = await issue_key(
                session,
                name=unique("access-"),
                company_codes=None if companies is None else list(companies),
                scopes=list(scopes),
            )
        self.ids.append(issued.id)
        return issued

    def forget(self, key_id: int) -> None:
        self.ids.append(key_id)

    async def delete_all(self) -> None:
        async with self.sessions() as session:
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id.in_(self.ids)))
            await session.commit()


@pytest.fixture
async def keys(sessions: Sessions) -> AsyncIterator[KeyRing]:
    ring = KeyRing(sessions)
    yield ring
    await ring.delete_all()


@pytest.fixture
def client_for(settings_for: Callable[..., Settings], keys: KeyRing) -> Callable[..., Any]:
    """`async with client_for(settings, scopes, companies) as http:` a client with a fresh key."""

    @asynccontextmanager
    async def open_client(
        settings: Settings | None = None,
        scopes: Sequence[str] = ("order.read",),
        companies: Sequence[str] | None = None,
        header: str = "authorization",
    ) -> AsyncIterator[httpx.AsyncClient]:
        async with running(settings or settings_for()) as app:
            issued = await keys.issue(scopes, companies)
            async with http(app, issued.plain, header=header) as client:
                yield client

    return open_client


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
) -> httpx.Response:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return await client.post("/graphql", json=body, **kwargs)


async def answer(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON body of a 200 answer."""
    response = await post(client, query, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def data(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`data` of an answer without errors."""
    body = await answer(client, query, variables)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


def codes_of(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


# --- committed companies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tenant:
    """A committed company with one of everything; plain ids (no ORM rows to expire)."""

    code: str
    ids: dict[str, int]  # by GraphQL type name: Company, Client, Agent, Product, Order...
    order_number: str

    def gid(self, type_name: str) -> str:
        return to_base64(type_name, self.ids[type_name])


async def make_tenant(sessions: Sessions) -> Tenant:
    async with sessions() as session:
        factory = Factory(session)
        company = await factory.company(code=unique("ACC"))
        client = await factory.client(company)
        address = await factory.address(client)
        agent = await factory.agent(company)
        product = await factory.product(company, stock=100)
        season = await factory.season(company)
        method = models.PaymentMethod(company_id=company.id, code=unique("PM"), name="Cash")
        session.add(method)
        await session.commit()
        order = await factory.order(
            company,
            client,
            [(product, 2, Decimal("10.00"))],
            agent_id=agent.id,
            season_id=season.id,
            payment_method_id=method.id,
            shipping_address_id=address.id,
            billing_address_id=address.id,
        )
        await factory.event(order)
        rows = {
            "Company": company,
            "Client": client,
            "Address": address,
            "Agent": agent,
            "Product": product,
            "Season": season,
            "PaymentMethod": method,
            "Order": order,
        }
        return Tenant(company.code, {name: row.id for name, row in rows.items()}, order.number)


async def purge_companies(sessions: Sessions, codes: Sequence[str]) -> None:
    """Delete committed companies (by code) and everything hanging off them."""
    async with sessions() as session:
        ids = list(
            await session.scalars(
                sa.select(models.Company.id).where(models.Company.code.in_(codes))
            )
        )
        orders = sa.select(models.Order.id).where(models.Order.company_id.in_(ids))
        products = sa.select(models.Product.id).where(models.Product.company_id.in_(ids))
        for statement in (
            sa.delete(models.StockMovement).where(models.StockMovement.order_id.in_(orders)),
            sa.delete(models.StockReservation).where(
                models.StockReservation.product_id.in_(products)
            ),
            sa.delete(models.OrderEvent).where(models.OrderEvent.company_id.in_(ids)),
            sa.delete(models.Order).where(models.Order.company_id.in_(ids)),
            *(
                sa.delete(model).where(model.company_id.in_(ids))
                for model in (
                    models.Product,
                    models.Partner,
                    models.Season,
                    models.PaymentMethod,
                )
            ),
            sa.delete(models.Company).where(models.Company.id.in_(ids)),
        ):
            await session.execute(statement)
        await session.commit()


@pytest.fixture(scope="module")
async def tenants(sessions: Sessions) -> AsyncIterator[tuple[Tenant, Tenant]]:
    """Two committed companies, A and B, each with a client, agent, product, season, order..."""
    a, b = await make_tenant(sessions), await make_tenant(sessions)
    yield a, b
    await purge_companies(sessions, [a.code, b.code])


@pytest.fixture
def sql_run() -> Iterator[list[str]]:
    """SQL the app runs on any engine, except the key check: empty means nothing executed.

    Clear it right before the request of interest (the lifespan runs SQL of its own). A bulk
    worker some other fixture may have left polling is not the request's doing either.
    """
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        key_check = "api_keys" in statement or (
            statement.startswith("SELECT companies.id") and "WHERE" not in statement
        )
        # the metrics sampler counts both queues (bulk items, webhook deliveries) on its own
        sampled = "bulk_operations" in statement or "webhook_deliveries" in statement
        if not key_check and not sampled:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)
