"""The typed context every resolver receives, assembled per request without I/O of its own."""

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import httpx
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from app.auth import Principal
from app.domain.rate_limit import Decision, RateLimiter
from app.event_stream import EventStream
from app.settings import Settings
from app.stock_guard import GuardedStock, InventoryGuard, stock_for
from db.direct import DirectReads
from db.loaders import Loaders


@dataclass(slots=True)
class AppContext:
    """Everything a resolver may touch during one request."""

    session: AsyncSession
    loaders: Loaders
    principal: Principal
    settings: Settings
    request_id: str
    stock: GuardedStock
    rate_limiter: RateLimiter | None
    sessionmaker: async_sessionmaker[AsyncSession] | None  # for work outside the request's session
    events: EventStream | None
    stock_levels: DataLoader[int, int] = field(
        metadata={"doc": "units available per product id, batched per request"}
    )
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    over_websocket: bool = False  # only subscriptions run there (see QueryBudget)
    # the answer is encoded by orjson (HTTP), so compiled reads may hand it PostgreSQL's JSON text
    raw_json: bool = False
    read_path: str = "reference"  # "compiled" once CompiledReads answered the query whole
    direct_reads: DirectReads | None = None  # the compiled path's reads on the driver directly
    # a cost the planned path already charged before it handed the request on (QueryBudget)
    prepaid: Decision | None = None

    def act_as(self, principal: Principal) -> None:
        """Who a WebSocket turned out to be, once its connection_init carried a key."""
        self.principal = principal
        self.loaders = Loaders(self.session, company_ids=principal.company_ids)


Info: TypeAlias = strawberry.Info[AppContext, None]


def build_context(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    request_id: str,
    *,
    guard: InventoryGuard | None = None,
    inventory_http: httpx.AsyncClient | None = None,
    rate_limiter: RateLimiter | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    events: EventStream | None = None,
    undo_log: async_sessionmaker[AsyncSession] | None = None,
) -> AppContext:
    """Assembles; the process-wide guard and HTTP client come from the app's state.

    `undo_log` is a pool of its own for the remote inventory's undo log (pending_undos): a
    request that already holds a connection must never wait for a second one from its own pool.
    """
    guard = guard or InventoryGuard.from_settings(settings)
    stock = stock_for(session, guard, inventory_http, undo_log=undo_log)

    async def load_levels(product_ids: list[int]) -> list[int]:
        found = await stock.available(product_ids)
        return [found.get(product_id, 0) for product_id in product_ids]

    return AppContext(
        session=session,
        loaders=Loaders(session, company_ids=principal.company_ids),
        principal=principal,
        settings=settings,
        request_id=request_id,
        stock=stock,
        rate_limiter=rate_limiter,
        sessionmaker=sessionmaker,
        events=events,
        stock_levels=DataLoader(load_fn=load_levels),
    )


def context_from_state(
    state: Any, session: AsyncSession, principal: Principal, settings: Settings, request_id: str
) -> AppContext:
    """build_context with the process-wide parts the app's lifespan put in its state."""
    context = build_context(
        session,
        principal,
        settings,
        request_id,
        guard=state.inventory_guard,
        inventory_http=state.inventory_http,
        rate_limiter=state.rate_limiter,
        sessionmaker=state.sessionmaker,
        undo_log=state.undo_log,
        events=state.event_stream,
    )
    context.direct_reads = state.direct_reads
    return context
