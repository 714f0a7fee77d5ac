"""Stock left wrong by failed order changes, put right by the server itself, not an operator.

A movement outlives its reason when the order change that sent it did not commit and the undo
could not reach the inventory. Every RECONCILE_INTERVAL_S one server process (the one that wins
a PostgreSQL advisory lock; the others skip that round) retries the undos still on record (see
db/models/pending_undo.py) once they are RECONCILE_UNDO_AFTER_S old, and releases any hold whose
order no longer waits for its goods; and it drops expired Idempotency-Key answers.
"""

import asyncio
import contextlib
import functools
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.domain.errors import InventoryUnavailable
from app.inventory.reconcile import release_orphans
from app.stock_guard import GuardedStock
from db.availability import OutageLog
from db.engine import make_sessionmaker
from db.queries import advisory_locks, idempotency, pending_undos

log = logging.getLogger(__name__)

SWEEP_LOCK = 0x6F72_6465_7273  # "orders": one sweeper at a time across server processes


class Reconciler:
    def __init__(
        self,
        engine: AsyncEngine,
        interval_s: float,
        *,
        inventory: GuardedStock | None = None,
        undo_after_s: float = 120.0,
    ) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.inventory = inventory  # a remote inventory, to send the undos left behind
        self._sessions = make_sessionmaker(engine)
        # older than any request can run, so no order change that may still commit is undone
        self.undo_after = timedelta(seconds=undo_after_s)
        self.sweeps = 0  # rounds this process swept (it held the lock)
        self._outages = OutageLog(log, "reconciler")

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval_s)
            if stop.is_set():
                return
            try:
                await self.sweep()
            except Exception as error:
                if not self._outages.failed(error):
                    log.exception("reconciler: sweep failed")
            else:
                self._outages.worked()

    async def sweep(self) -> dict[int, dict[int, int]] | None:
        """Release stray holds; None when another process holds the sweep lock."""
        async with self.engine.connect() as connection:
            if not await advisory_locks.try_lock(connection, SWEEP_LOCK):
                return None
            try:
                async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                    await self._retry_undos(session)
                    released = await release_orphans(session)
                    await idempotency.purge_expired(session)
                    await session.commit()
            finally:
                await advisory_locks.unlock(connection, SWEEP_LOCK)
        self.sweeps += 1
        if released:
            log.warning("reconciler: released stray stock holds %s", released)
        return released

    async def _retry_undos(self, session: AsyncSession) -> None:
        """Each due note under its row lock: a change still running holds it and is skipped."""
        inventory = self.inventory
        if inventory is None:
            return
        due = await pending_undos.due(session, self.undo_after)
        await session.commit()
        for key, order_id in due:
            try:
                undone = await pending_undos.undo_if_noted(
                    self._sessions,
                    key,
                    functools.partial(inventory.undo, key, order_id),
                    older_than=self.undo_after,
                )
            except InventoryUnavailable as error:
                log.warning("reconciler: undo of %s must wait: %s", key, error)
                if inventory.refusing:  # the inventory is out: the others would fail too
                    return
                continue
            if undone:
                log.warning("reconciler: undid stock movement %s of order %s", key, order_id)
