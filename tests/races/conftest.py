"""Race fixtures: every call on its own session and transaction, with real commits.

The savepoint session of `gql` is one connection, so it cannot host two contenders. These
fixtures commit for real; the rows they create are truncated away afterwards, so the tests that
run later in the same database find it as empty as before.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from strawberry.types import ExecutionResult

from app.auth import Principal
from app.context import build_context
from app.domain.vocabulary import OrderStatus
from app.settings import Settings
from db.engine import LockedAsyncSession
from resolvers.roots.schema import schema
from tests.api.test_create_order import Shop, gid, make_shop
from tests.factories import Factory

# Every table the fixtures write to is reached from companies by foreign keys, except these two.
_TRUNCATE = "TRUNCATE companies, order_events, stock_movements CASCADE"


@dataclass
class CommittedWorld:
    """A committed shop, and committed orders made on demand."""

    sessions: async_sessionmaker[LockedAsyncSession]
    shop: Shop

    async def order(self, *quantities: int, status: OrderStatus = OrderStatus.PENDING) -> str:
        """The global id of a committed order: quantities of the shop's products, in order."""
        async with self.sessions() as session:
            lines = [
                (product, quantity, Decimal("10.00"))
                for product, quantity in zip(self.shop.products, quantities, strict=False)
            ]
            order = await Factory(session).order(
                self.shop.company, self.shop.client, lines, status=status
            )
            await session.commit()
            return gid("Order", order)


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[CommittedWorld]:
    sessions = async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)
    async with sessions() as session:
        shop = await make_shop(Factory(session))  # commits
    yield CommittedWorld(sessions, shop)
    async with engine.begin() as connection:
        await connection.execute(sa.text(_TRUNCATE))


class CommittedGraphQL:
    """Like `gql`, but each call opens a new session (its own connection and transaction)."""

    def __init__(self, world: CommittedWorld) -> None:
        self.sessions = world.sessions
        self.principal = Principal(
            key_id="race",
            company_ids=frozenset({world.shop.company.id}),
            scopes=frozenset({"admin"}),
        )
        self.settings = Settings(database_url=None, _env_file=None)  # type: ignore[call-arg]

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> ExecutionResult:
        async with self.sessions() as session:
            context = build_context(session, self.principal, self.settings, request_id="race")
            return await schema.execute(query, variable_values=variables, context_value=context)


@pytest.fixture
def committed_gql(committed: CommittedWorld) -> CommittedGraphQL:
    return CommittedGraphQL(committed)
