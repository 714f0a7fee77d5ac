"""Stray stock holds released by the server itself, so no operator has to run a command.

A hold outlives its reason when a confirm reserved, its order change did not commit, and the
undo could not reach the inventory. Every RECONCILE_INTERVAL_S one server process (the one that
wins a PostgreSQL advisory lock; the others skip that round) sweeps with release_orphans.
"""

import asyncio
import contextlib
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.inventory.reconcile import release_orphans
from db.availability import database_unavailable, describe

log = logging.getLogger(__name__)

SWEEP_LOCK = 0x6F72_6465_7273  # "orders": one sweeper at a time across server processes


class Reconciler:
    def __init__(self, engine: AsyncEngine, interval_s: float) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.sweeps = 0  # rounds this process swept (it held the lock)
        self._outage = False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval_s)
            if stop.is_set():
                return
            try:
                await self.sweep()
            except Exception as error:
                if not database_unavailable(error):
                    log.exception("reconciler: sweep failed")
                elif not self._outage:
                    log.warning("reconciler: database unavailable, waiting: %s", describe(error))
                    self._outage = True
            else:
                self._outage = False

    async def sweep(self) -> dict[int, dict[int, int]] | None:
        """Release stray holds; None when another process holds the sweep lock."""
        async with self.engine.connect() as connection:
            took = await connection.scalar(sa.select(sa.func.pg_try_advisory_lock(SWEEP_LOCK)))
            await connection.commit()
            if not took:
                return None
            try:
                async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                    released = await release_orphans(session)
            finally:
                await connection.execute(sa.select(sa.func.pg_advisory_unlock(SWEEP_LOCK)))
                await connection.commit()
        self.sweeps += 1
        if released:
            log.warning("reconciler: released stray stock holds %s", released)
        return released
