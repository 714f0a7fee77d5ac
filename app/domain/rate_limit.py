"""Cost-based rate limiting, like Shopify's leaky bucket: points refill at a steady rate."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: float  # points left after this query (or now, when refused)
    wait_s: float  # how long until the query's cost would be available


@dataclass(slots=True)
class Bucket:
    """Holds up to `capacity` points and refills at `restore_rate` points per second."""

    capacity: float
    restore_rate: float
    available: float
    updated_at: float

    def spend(self, cost: float, now: float) -> Decision:
        """Take `cost` points if they are there; otherwise say how long to wait."""
        elapsed = max(now - self.updated_at, 0.0)
        self.available = min(self.capacity, self.available + elapsed * self.restore_rate)
        self.updated_at = now
        if cost > self.available:
            wait = (cost - self.available) / self.restore_rate
            return Decision(allowed=False, remaining=self.available, wait_s=wait)
        self.available -= cost
        return Decision(allowed=True, remaining=self.available, wait_s=0.0)


class RateLimiter:
    """One bucket per API key, for this process."""

    def __init__(self, *, capacity: float, restore_rate: float) -> None:
        self.capacity = capacity
        self.restore_rate = restore_rate
        self._buckets: dict[str, Bucket] = {}

    def spend(self, key_id: str, cost: float, now: float) -> Decision:
        return self._bucket(key_id, now).spend(cost, now)

    def available(self, key_id: str, now: float) -> float:
        """What the key could spend now, without spending it."""
        return self._bucket(key_id, now).spend(0, now).remaining

    def _bucket(self, key_id: str, now: float) -> Bucket:
        bucket = self._buckets.get(key_id)
        if bucket is None:
            bucket = self._buckets[key_id] = Bucket(
                self.capacity, self.restore_rate, available=self.capacity, updated_at=now
            )
        return bucket
