"""The bulk mutations in a schema of their own, until the root Mutation inherits BulkMutation.

Reads (orders, order, node) go to the root schema; once the root binds the bulk mutations, every
operation goes there and this module changes nothing. It also offers committed sessions, for the
tests where two transactions must really race or really commit between two reads.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.types import ExecutionResult

from app.auth import Principal
from app.context import build_context
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from resolvers.roots.bulk_mutation import BulkMutation
from resolvers.roots.mutation import Mutation
from resolvers.roots.schema import NODE_TYPES, OrdersSchema, schema
from tests.conftest import GraphQLClient

BULK_FIELDS = ("bulkImportOrders", "batchUpdateOrders", "setQuickOrderSuggestions")
WIRED = any(
    field.python_name == "bulk_import_orders" for field in Mutation.__strawberry_definition__.fields
)


@strawberry.type(description="Placeholder root while the bulk mutations have their own schema.")
class _Query:
    ping: bool = True


bulk_schema = (
    schema
    if WIRED
    else OrdersSchema(
        query=_Query, mutation=BulkMutation, types=NODE_TYPES, extensions=schema.extensions
    )
)


def schema_for(document: str) -> OrdersSchema:
    return bulk_schema if any(name in document for name in BULK_FIELDS) else schema


class BulkGraphQL(GraphQLClient):
    """The `gql` fixture's client, sending bulk mutations to the schema that has them."""

    async def as_principal(
        self, principal: Principal, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        context = build_context(self.session, principal, self.settings, request_id="test")
        return await schema_for(query).execute(
            query, variable_values=variables, context_value=context
        )


# Every table the committed tests write to hangs from companies, except these two.
_TRUNCATE = "TRUNCATE companies, order_events, stock_movements CASCADE"


class Committed:
    """Each call on its own session, connection and transaction, with real commits."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.settings = Settings(database_url=None, _env_file=None)  # type: ignore[call-arg]

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        async with self.sessions() as session:
            return await self.execute(session, query, variables)

    async def execute(
        self, session: AsyncSession, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        """On a session the caller holds: its transaction may stay open after the call."""
        companies = frozenset(await session.scalars(sa.select(models.Company.id)))
        principal = Principal(
            key_id="committed", company_ids=companies, scopes=frozenset({"admin"})
        )
        context = build_context(session, principal, self.settings, request_id="committed")
        return await schema_for(query).execute(
            query, variable_values=variables, context_value=context
        )


@asynccontextmanager
async def committed(engine: AsyncEngine) -> AsyncIterator[Committed]:
    """Committed sessions; everything they committed is truncated away afterwards."""
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    try:
        yield Committed(sessions)
    finally:
        async with engine.begin() as connection:
            await connection.execute(sa.text(_TRUNCATE))
