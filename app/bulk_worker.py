"""The background worker: claims chunks of bulk-operation items and runs them, exactly once.

Claim, work and result share one database transaction. A worker killed mid-chunk therefore
leaves its items pending and its orders unwritten; another worker (or a restart) picks the
chunk up again. Several processes share the work through SKIP LOCKED. A chunk whose mutation
breaks is rolled back to a savepoint and run again item by item, so only the item that breaks
alone fails.
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.auth import Principal
from app.bulk_jobs import KINDS, JobKind, Outcome
from app.context import build_context
from app.metrics import BULK_ITEMS
from app.observability import request_id_var
from app.settings import Settings
from app.stock_guard import InventoryGuard
from db.availability import OutageLog
from db.engine import LockedAsyncSession
from db.models import BulkOperation, BulkOperationItem
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
        undo_log: Any = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.guard = guard
        self.inventory_http = inventory_http
        self.undo_log = undo_log  # see build_context
        self.chunk_size = chunk_size or settings.bulk_chunk_size
        self._current: int | None = None  # the operation of the chunk being worked on
        self._outages = OutageLog(log, "bulk worker")

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, resting briefly whenever there is nothing to do."""
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except Exception as error:
                if not self._outages.failed(error):  # an outage: the job waits for the database
                    # a bug of the worker itself (an item that breaks fails alone, in
                    # run_once): stop the job rather than spin on it
                    log.exception("bulk worker: operation %s failed", self._current)
                    await self._fail_current(error)
                worked = False
            else:
                self._outages.worked()
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
            data = await self._execute(connection, operation, kind, items)
            if data is None:
                outcomes = await self._one_by_one(connection, operation, kind, items)
            else:
                outcomes = kind.outcomes(items, data)
            await bulk_operations.record_results(claims, operation.id, outcomes)
            await bulk_operations.complete_if_done(claims, operation.id)
            await claims.flush()
        succeeded = sum(1 for _, ok, _ in outcomes if ok)
        BULK_ITEMS.labels("done").inc(succeeded)
        BULK_ITEMS.labels("failed").inc(len(outcomes) - succeeded)
        return True

    async def _one_by_one(
        self,
        connection: AsyncConnection,
        operation: BulkOperation,
        kind: JobKind,
        items: Sequence[BulkOperationItem],
    ) -> list[Outcome]:
        """The chunk broke: each item alone, so only an item that breaks by itself fails.

        A FAILED job cannot be resumed, so one bad item must not take the good ones with it.
        """
        outcomes: list[Outcome] = []
        for item in items:
            data = await self._execute(connection, operation, kind, [item])
            if data is None:
                log.error(
                    "bulk operation %s (request %s): the item at position %s broke the mutation;"
                    " it is marked failed, the others go on",
                    operation.id,
                    _request_id(operation),
                    item.position,
                )
                outcomes.append(kind.broken(item))
            else:
                outcomes.extend(kind.outcomes([item], data))
        return outcomes

    async def _execute(
        self,
        connection: AsyncConnection,
        operation: BulkOperation,
        kind: JobKind,
        items: Sequence[BulkOperationItem],
    ) -> dict[str, Any] | None:
        """The kind's mutation for these items in a savepoint; None, nothing kept, if it broke."""
        from resolvers.roots.schema import schema  # the schema imports the app's context

        savepoint = await connection.begin_nested()
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
            _request_id(operation),
            guard=self.guard,
            inventory_http=self.inventory_http,
            undo_log=self.undo_log,
        )
        logged_as = request_id_var.set(context.request_id)  # the masked errors' logs name the job
        try:
            result = await schema.execute(
                kind.mutation, variable_values=kind.variables(items), context_value=context
            )
        finally:
            request_id_var.reset(logged_as)
            await work.close()
        if result.errors:
            log.error("bulk operation %s: %s", operation.id, result.errors)
        if (result.data or {}).get(kind.field) is None:
            # whatever the broken call wrote before it failed goes with the savepoint
            await savepoint.rollback()
            return None
        await savepoint.commit()
        return result.data


def _request_id(operation: BulkOperation) -> str:
    return f"bulk-{operation.id}"
