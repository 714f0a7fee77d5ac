"""Order events as they commit: one LISTEN connection per process, fanned out to subscribers."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from app.metrics import SUBSCRIPTIONS

log = logging.getLogger(__name__)
CHANNEL = "order_events"


@dataclass(eq=False)
class _Subscriber:
    company_ids: frozenset[int]
    queue: asyncio.Queue[int] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))


class EventStream:
    """Started on the first subscriber, so servers without subscribers hold no extra connection."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._connection: asyncpg.Connection | None = None
        self._subscribers: set[_Subscriber] = set()
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def subscribe(self, company_ids: frozenset[int]) -> AsyncIterator[asyncio.Queue[int]]:
        """Ids of events of these companies, as their transactions commit."""
        await self._listen()
        subscriber = _Subscriber(company_ids)
        self._subscribers.add(subscriber)
        SUBSCRIPTIONS.inc()
        try:
            yield subscriber.queue
        finally:
            SUBSCRIPTIONS.dec()
            self._subscribers.discard(subscriber)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _listen(self) -> None:
        async with self._lock:
            if self._connection is None or self._connection.is_closed():
                self._connection = await asyncpg.connect(self._dsn)
                await self._connection.add_listener(CHANNEL, self._notified)

    def _notified(self, connection: object, pid: int, channel: str, payload: str) -> None:
        event_id, _, company_id = payload.partition(":")
        for subscriber in self._subscribers:
            if int(company_id) in subscriber.company_ids:
                try:
                    subscriber.queue.put_nowait(int(event_id))
                except asyncio.QueueFull:  # a subscriber that stopped reading loses the excess
                    log.warning("order event %s dropped for a slow subscriber", event_id)
