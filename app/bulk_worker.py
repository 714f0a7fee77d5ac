"""The background worker: claims chunks of bulk-operation items and runs them, exactly once.

Claim, work and result share one database transaction. A worker killed mid-chunk therefore
leaves its items pending and its orders unwritten; another worker (or a restart) picks the
chunk up again. Several processes share the work through SKIP LOCKED.
"""

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.auth import Principal
from app.bulk_jobs import KINDS
from app.context import build_context
from app.settings import Settings
from app.stock_guard import InventoryGuard
from db.engine import LockedAsyncSession
from db.queries import bulk_operations

log = logging.getLogger(__name__)


class BulkWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        guard: InventoryGuard,
        inventory_http: Any = None,
        chunk_size: int | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.guard = guard
        self.inventory_http = inventory_http
        self.chunk_size = chunk_size or settings.bulk_chunk_size
        self._current: int | None = None  # the operation of the chunk being worked on

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, resting briefly whenever there is nothing to do."""
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except Exception as error:
                # a bug, not a refused item (those are results): stop the job, do not spin on it
                log.exception("bulk worker: operation %s failed", self._current)
                await self._fail_current(error)
                worked = False
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.bulk_poll_interval_s)

    async def _fail_current(self, error: Exception) -> None:
        if self._current is None:
            return
        async with AsyncSession(self.engine) as session, session.begin():
            await bulk_operations.fail(
                session, self._current, f"internal error: {type(error).__name__}"
            )

    async def run_once(self) -> bool:
        """Process one chunk; False when no work was waiting."""
        from graphql_schema.schema import schema  # the schema imports the app's context

        async with self.engine.connect() as connection, connection.begin():
            # The claim's row locks belong to the outer transaction: the mutation's savepoint
            # rollbacks (a refused order) must not release them.
            claims = AsyncSession(bind=connection, expire_on_commit=False)
            claimed = await bulk_operations.claim_chunk(claims, self.chunk_size)
            if claimed is None:
                return False
            operation, items = claimed
            self._current = operation.id
            kind = KINDS[operation.kind]
            work = LockedAsyncSession(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
            principal = Principal(
                key_id=operation.key_id,
                company_ids=frozenset(operation.company_ids),
                scopes=frozenset(operation.scopes),
            )
            context = build_context(
                work,
                principal,
                self.settings,
                f"bulk-{operation.id}",
                guard=self.guard,
                inventory_http=self.inventory_http,
            )
            result = await schema.execute(
                kind.mutation, variable_values=kind.variables(items), context_value=context
            )
            await work.close()
            if result.errors:
                log.error("bulk operation %s: %s", operation.id, result.errors)
            outcomes = kind.outcomes(items, result.data)
            await bulk_operations.record_results(claims, operation.id, outcomes)
            await bulk_operations.complete_if_done(claims, operation.id)
            await claims.flush()
        return True
