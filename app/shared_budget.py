"""The API keys' cost budgets shared by every worker process of one server.

With `serve --workers N` each process would otherwise keep buckets of its own, and a key would
get N budgets. The buckets live instead in one memory-mapped file that the workers share; each
spend takes an exclusive lock on it (flock) for the few microseconds it reads and writes one
slot. Slots are found by a hash of the key (open addressing); when every probed slot is taken,
the one idle longest is reused: its key had been refilling the longest, so it loses least.
"""

import fcntl
import hashlib
import mmap
import os
import struct
from pathlib import Path

from app.domain.rate_limit import Bucket, Decision

_SLOT = struct.Struct("<Qdd")  # key hash (0: empty), points available, last update
_PROBES = 32


def create_budget_file(path: Path, slots: int = 65_536) -> Path:
    """A zeroed file of `slots` empty buckets, made once by the server before its workers."""
    with path.open("wb") as file:
        file.truncate(slots * _SLOT.size)
    return path


class SharedRateLimiter:
    """RateLimiter's interface, over the shared file: one budget per key, whatever the process."""

    def __init__(self, path: Path, *, capacity: float, restore_rate: float) -> None:
        self.capacity = capacity
        self.restore_rate = restore_rate
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, 0)
        self._slots = len(self._map) // _SLOT.size

    def spend(self, key_id: str, cost: float, now: float) -> Decision:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            offset, bucket = self._bucket(_hash(key_id), now)
            decision = bucket.spend(cost, now)
            _SLOT.pack_into(self._map, offset, _hash(key_id), bucket.available, bucket.updated_at)
            return decision
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def available(self, key_id: str, now: float) -> float:
        """What the key could spend now, without spending it."""
        return self.spend(key_id, 0, now).remaining

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)

    def _bucket(self, key: int, now: float) -> tuple[int, Bucket]:
        """The key's slot and bucket; a new full bucket in a free (or the idlest) slot."""
        idlest, idle_since = 0, float("inf")
        for probe in range(_PROBES):
            offset = ((key + probe) % self._slots) * _SLOT.size
            held, available, updated_at = _SLOT.unpack_from(self._map, offset)
            if held == key:
                return offset, Bucket(self.capacity, self.restore_rate, available, updated_at)
            if held == 0:
                return offset, Bucket(self.capacity, self.restore_rate, self.capacity, now)
            if updated_at < idle_since:
                idlest, idle_since = offset, updated_at
        return idlest, Bucket(self.capacity, self.restore_rate, self.capacity, now)


def _hash(key_id: str) -> int:
    """Never 0, which marks an empty slot."""
    digest = int.from_bytes(hashlib.blake2b(key_id.encode(), digest_size=8).digest(), "little")
    return digest or 1
