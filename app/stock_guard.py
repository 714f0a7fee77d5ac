"""Every inventory call from the order side goes through here: a timeout and a circuit breaker.

It fails closed: a lookup that cannot answer refuses the order, never accepts it unverified.
"""

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta
from typing import TypeVar

import httpx
from aiobreaker import CircuitBreaker, CircuitBreakerError, CircuitBreakerListener
from aiobreaker.state import CircuitBreakerState
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.domain.errors import InventoryUnavailable
from app.domain.stock import InsufficientStock
from app.inventory.http_client import HttpStock
from app.metrics import INVENTORY_CALLS
from app.settings import Settings
from app.stock_port import InProcessStock, StockPort
from db.availability import database_unavailable
from db.queries import pending_undos

log = logging.getLogger(__name__)
T = TypeVar("T")

_UNREACHABLE = (CircuitBreakerError, httpx.HTTPError, TimeoutError, OSError)
UNANSWERED = "inventory did not answer; the order was not changed"
NOT_SERVING = "inventory cannot serve right now; the order was not changed: retry shortly"
UNDONE = "a stock movement of this change was undone meanwhile; nothing was changed: retry"
BUSY = "too many inventory calls are waiting here; the order was not changed: retry shortly"


class _StateChanges(CircuitBreakerListener):
    """Logs each change, and notes on our own clock when the breaker last opened.

    aiobreaker keeps its open time in naive UTC but compares it with local time in `opens_at`,
    so that property is wrong away from UTC; `refusing` uses this clock instead.
    """

    def __init__(self) -> None:
        self.opened_at = 0.0

    def state_change(self, breaker: CircuitBreaker, old: object, new: object) -> None:
        if _name(new) == "open":
            self.opened_at = time.monotonic()
        log.warning("inventory circuit breaker: %s -> %s", _name(old), _name(new))


def _client_error(error: Exception) -> bool:
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code < 500


def _not_serving(error: Exception) -> bool:
    """A quick 503: the inventory answered that it cannot serve now (its database restarts).

    Not counted by the breaker, whose job is to stop waiting on a peer that does not answer: it
    would stay open for its reset timeout after the inventory is back.
    """
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code == 503


def _unavailable_outcome(error: InventoryUnavailable) -> str:
    """Refused here without calling (the breaker is open, or a trial runs), or failed there."""
    if error.__cause__ is None or isinstance(error.__cause__, CircuitBreakerError):
        return "rejected"
    return "failed"


def _name(state: object) -> str:
    inner = getattr(state, "state", state)
    return str(getattr(inner, "name", inner)).lower()


class InventoryGuard:
    """One per process: the breaker's memory of failures must outlive a request.

    Timeouts and transport errors count as failures; an OUT_OF_STOCK answer does not. While
    the breaker is open, calls are refused at once. After the reset timeout a single trial
    call decides; calls that arrive during the trial are refused rather than piled on.
    """

    def __init__(
        self,
        *,
        fail_max: int,
        reset_timeout_s: float,
        call_timeout_s: float,
        max_concurrent_calls: int = 64,
        queue_timeout_s: float | None = None,
    ) -> None:
        self._changes = _StateChanges()
        self.breaker = CircuitBreaker(
            fail_max=fail_max,
            timeout_duration=timedelta(seconds=reset_timeout_s),
            # answers, not outages: OUT_OF_STOCK, and a 4xx (our request was wrong)
            exclude=[InsufficientStock, _client_error, _not_serving],
            listeners=[self._changes],
            name="inventory",
        )
        self.call_timeout_s = call_timeout_s
        self._trial_running = False
        # calls beyond this wait here, outside the breaker: our own queue is no inventory outage
        self._slots = asyncio.Semaphore(max_concurrent_calls)
        self.queue_timeout_s = call_timeout_s if queue_timeout_s is None else queue_timeout_s

    @classmethod
    def from_settings(cls, settings: Settings) -> "InventoryGuard":
        return cls(
            fail_max=settings.inventory_fail_max,
            reset_timeout_s=settings.inventory_reset_timeout_s,
            call_timeout_s=settings.inventory_call_timeout_s,
            max_concurrent_calls=settings.inventory_max_connections,
        )

    @property
    def state(self) -> str:
        return _name(self.breaker.current_state)

    @property
    def refusing(self) -> bool:
        """Whether a call now would be refused at once: open and not yet due for its trial."""
        if self._trial_running:
            return True
        if self.breaker.current_state is not CircuitBreakerState.OPEN:
            return False
        since = time.monotonic() - self._changes.opened_at
        return since < self.breaker.timeout_duration.total_seconds()

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """The operation, guarded; it waits for a free slot first (up to the queue timeout)."""
        try:
            async with asyncio.timeout(self.queue_timeout_s):
                await self._slots.acquire()
        except TimeoutError:
            INVENTORY_CALLS.labels("busy").inc()
            raise InventoryUnavailable(BUSY) from None
        try:
            result = await self._guarded(operation)
        except InventoryUnavailable as error:
            INVENTORY_CALLS.labels(_unavailable_outcome(error)).inc()
            raise
        except Exception:  # an answer: out of stock, or a 4xx for a request of ours
            INVENTORY_CALLS.labels("refused").inc()
            raise
        finally:
            self._slots.release()
        INVENTORY_CALLS.labels("ok").inc()
        return result

    async def _guarded(self, operation: Callable[[], Awaitable[T]]) -> T:
        if self._trial_running:
            raise InventoryUnavailable("inventory is being retried; try again shortly")
        trial = self.breaker.current_state is not CircuitBreakerState.CLOSED
        self._trial_running = trial
        try:
            result: T = await self.breaker.call_async(self._time_boxed, operation)
        except _UNREACHABLE as error:
            # not "nothing was changed": a call that timed out may have been applied (settle()
            # takes it back); what is certain is that the order change did not happen
            raise InventoryUnavailable(
                NOT_SERVING if _not_serving(error) else UNANSWERED
            ) from error
        finally:
            if trial:
                self._trial_running = False
        return result

    async def _time_boxed(self, operation: Callable[[], Awaitable[T]]) -> T:
        async with asyncio.timeout(self.call_timeout_s):
            return await operation()


class GuardedStock:
    """A request's stock port: every call guarded, every movement remembered until settled.

    Movements are reversed when the order change they belong to does not commit. In process
    that is a no-op (the shared transaction already rolled them back); over HTTP it compensates.
    """

    def __init__(
        self,
        inner: StockPort,
        guard: InventoryGuard,
        undo_log: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._inner = inner
        self._guard = guard
        self._uncommitted: list[tuple[str, int]] = []
        # with a remote inventory: each movement is noted durably before it is sent (see
        # db/models/pending_undo.py), so an undo that cannot run now is retried later
        self._undo_log = undo_log

    @property
    def refusing(self) -> bool:
        return self._guard.refusing

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        return await self._guard.call(lambda: self._inner.available(product_ids))

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._movement(key, order_id, lambda: self._inner.reserve(key, order_id, quantities))

    async def release(self, key: str, order_id: int) -> None:
        await self._movement(key, order_id, lambda: self._inner.release(key, order_id))

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._movement(key, order_id, lambda: self._inner.consume(key, order_id, quantities))

    async def restock(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._movement(key, order_id, lambda: self._inner.restock(key, order_id, quantities))

    async def undo(self, key: str, order_id: int) -> None:
        await self._guard.call(lambda: self._inner.undo(key, order_id))

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        await self._guard.call(lambda: self._inner.set_on_hand(product_id, on_hand))

    async def _movement(
        self, key: str, order_id: int, operation: Callable[[], Awaitable[None]]
    ) -> None:
        """Remember the key for settle(), and forget it again when the inventory refused.

        Remembered before the call, since a call that timed out may have applied; forgotten on
        an OUT_OF_STOCK answer, which moved nothing, so there is nothing to undo.
        """
        if self._undo_log is not None:
            await pending_undos.note(self._undo_log, key, order_id)
        self._uncommitted.append((key, order_id))
        try:
            await self._guard.call(operation)
        except InsufficientStock:
            self._uncommitted.remove((key, order_id))
            if self._undo_log is not None:
                await pending_undos.forget_now(self._undo_log, [key])
            raise

    async def before_commit(self, session: AsyncSession) -> None:
        """In the order change's transaction: its movements stand once it commits.

        A note already gone means the reconciler undid that movement (the change ran past
        RECONCILE_UNDO_AFTER_S): the change must not commit on stock it no longer has.
        """
        if self._undo_log is None:
            return
        keys = {key for key, _ in self._uncommitted}
        if await pending_undos.forget(session, keys) < len(keys):
            raise InventoryUnavailable(UNDONE)

    async def settle(self, *, committed: bool) -> None:
        """After the order's transaction: forget the movements, or reverse them, newest first.

        With an undo log, only a movement whose note still stands is undone: when the commit
        itself failed (a dropped connection), the change may have committed, and its note is the
        truth. A note that cannot be read now is left for the reconciler.
        """
        pending, self._uncommitted = self._uncommitted, []
        if committed:
            return
        for key, order_id in reversed(pending):
            try:
                if self._undo_log is None:
                    await self.undo(key, order_id)
                else:
                    await pending_undos.undo_if_noted(
                        self._undo_log, key, functools.partial(self.undo, key, order_id)
                    )
            except InventoryUnavailable:
                log.warning("could not undo stock movement %s; the reconciler retries it", key)
            except Exception as error:
                if not database_unavailable(error):
                    raise
                log.warning("could not check stock movement %s; the reconciler will", key)


def stock_for(
    session: AsyncSession,
    guard: InventoryGuard,
    http: httpx.AsyncClient | None,
    undo_log: async_sessionmaker[AsyncSession] | None = None,
) -> GuardedStock:
    """In process on the request's session by default; over HTTP when INVENTORY_URL is set.

    In process, a movement is part of the order change's transaction and needs no undo log.
    """
    if http is None:
        return GuardedStock(InProcessStock(session), guard)
    return GuardedStock(HttpStock(http), guard, undo_log)
