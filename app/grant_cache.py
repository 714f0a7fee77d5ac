"""API keys checked once per process, not once per request, and dropped at once when revoked.

Looking a key up costs every request a statement. Each process keeps what a key grants for at
most API_KEY_CACHE_TTL_S, and listens on the `api_key_grants` channel, which the database
notifies when a key changes (a revocation) or a company comes or goes (migration 0014): the
entry goes within the notification's delivery, on every process. While the listening
connection is down nothing is cached, so a revocation is never missed.
"""

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import asyncpg

from app.auth import Principal
from db.availability import OutageLog

log = logging.getLogger(__name__)

CHANNEL = "api_key_grants"
_RETRY_S = 1.0


class GrantCache:
    """Principals by key digest: bounded (least recently used go first), short-lived."""

    def __init__(
        self,
        dsn: str,
        *,
        ttl_s: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._dsn = dsn.replace("postgresql+asyncpg://", "postgresql://", 1)
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._connection: asyncpg.Connection | None = None
        self.listened = asyncio.Event()  # set once it first listens: keys are cached from then
        # moves on every notification: a lookup that began before one must not be cached
        self.generation = 0
        self._outages = OutageLog(log, "API key cache")

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    def get(self, digest: str) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None or not self.listening:
            return None
        principal, expires_at = entry
        if expires_at <= self._clock():
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return principal

    def put(self, digest: str, principal: Principal, generation: int) -> None:
        """Keep a principal read when `generation` was current, unless a change came since."""
        if generation != self.generation or not self.listening or self.ttl_s <= 0:
            return
        self._entries[digest] = (principal, self._clock() + self.ttl_s)
        self._entries.move_to_end(digest)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, payload: str) -> None:
        """`key:<id>` drops that key's entries; anything else drops them all."""
        self.generation += 1
        kind, _, key_id = payload.partition(":")
        if kind != "key" or not key_id.isdigit():
            self._entries.clear()
            return
        stale = [
            digest
            for digest, (principal, _) in self._entries.items()
            if principal.api_key_id == int(key_id)
        ]
        for digest in stale:
            del self._entries[digest]

    async def run(self, stop: asyncio.Event) -> None:
        """Keep the listening connection up until `stop`; each loss empties the cache."""
        while not stop.is_set():
            if not self.listening:
                try:
                    await self._listen()
                except Exception as error:
                    if not self._outages.failed(error):
                        log.exception("API key cache: cannot listen; keys are looked up each time")
                else:
                    self._outages.worked()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), _RETRY_S)
        await self.close()

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _listen(self) -> None:
        self.forget("all")  # what was cached while nobody listened may be stale
        connection = await asyncpg.connect(self._dsn)
        await connection.add_listener(CHANNEL, self._notified)
        connection.add_termination_listener(self._lost)
        self._connection = connection
        self.listened.set()

    def _notified(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self.forget(payload)

    def _lost(self, connection: object) -> None:
        self.forget("all")
