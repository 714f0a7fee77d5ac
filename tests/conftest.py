"""Real PostgreSQL for every test: DATABASE_URL's server when set, else an embedded one."""

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from strawberry.types import ExecutionResult

from app.auth import Principal
from app.context import build_context
from app.settings import Settings, normalise_dsn
from db import models
from db.embedded import EmbeddedPostgres
from db.engine import LockedAsyncSession
from db.scratch import scratch_database
from resolvers.roots.schema import schema
from tests.factories import Factory

# a compiled read that breaks fails its test instead of quietly answering the reference way
os.environ.setdefault("COMPILED_READS_STRICT", "true")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A server to test against: the one DATABASE_URL names, or an embedded one for the session.

    Not under pytest's basetemp: pytest deletes all but the newest three of those folders, so a
    second pytest session on the machine could remove a running server's data.
    """
    if os.environ.get("DATABASE_URL"):
        yield normalise_dsn(os.environ["DATABASE_URL"])
        return
    folder = Path(tempfile.mkdtemp(prefix="orders-api-test-pg-"))
    embedded = EmbeddedPostgres(folder / "data")
    try:
        yield embedded.start()
    finally:
        embedded.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_home() -> Iterator[Path]:
    """A folder for embedded PostgreSQL data outside pytest's basetemp (see server_url).

    pytest resets its basetemp's permissions when another session starts, and the embedded
    server, which runs as its own user, then cannot open its files.
    """
    folder = Path(tempfile.mkdtemp(prefix="orders-api-serve-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """A fresh database per test session, migrated to head, dropped at the end."""
    async with scratch_database(server_url, "orders_api_test") as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=5, max_overflow=20)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Commits inside a test become savepoints; the outer transaction is rolled back afterwards."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        session = LockedAsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        yield session
        await session.close()
        await outer.rollback()


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def factory(db_session: AsyncSession) -> Factory:
    return Factory(db_session)


class GraphQLClient:
    """Runs operations straight through the schema, as the caller of every company."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        company_ids = await self.session.scalars(sa.select(models.Company.id))
        principal = Principal(
            key_id="test", company_ids=frozenset(company_ids), scopes=frozenset({"admin"})
        )
        return await self.as_principal(principal, query, variables)

    async def as_principal(
        self, principal: Principal, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        context = build_context(self.session, principal, self.settings, request_id="test")
        return await schema.execute(query, variable_values=variables, context_value=context)


@pytest.fixture
def gql(db_session: AsyncSession, settings: Settings) -> GraphQLClient:
    return GraphQLClient(db_session, settings)


@pytest.fixture
def sql_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the test runs, savepoints excluded."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "SAVEPOINT" not in statement:
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield statements
    event.remove(engine.sync_engine, "before_cursor_execute", record)
