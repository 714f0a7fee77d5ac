"""The leaky bucket's arithmetic, with explicit clocks: refill, cap, refusal and wait."""

import pytest

from app.domain.rate_limit import Bucket, Decision, RateLimiter


def full(capacity: float = 100, restore_rate: float = 10, at: float = 0.0) -> Bucket:
    return Bucket(capacity, restore_rate, available=capacity, updated_at=at)


def test_spending_takes_the_cost_out():
    bucket = full()
    assert bucket.spend(30, now=0) == Decision(allowed=True, remaining=70, wait_s=0.0)
    assert bucket.spend(70, now=0) == Decision(allowed=True, remaining=0, wait_s=0.0)


def test_a_cost_over_what_is_left_is_refused_with_the_wait_and_takes_nothing():
    bucket = full()
    bucket.spend(70, now=0)
    assert bucket.spend(50, now=0) == Decision(allowed=False, remaining=30, wait_s=2.0)
    assert bucket.available == 30  # the refusal took nothing
    assert bucket.spend(50, now=2.0) == Decision(allowed=True, remaining=0, wait_s=0.0)


def test_points_come_back_at_the_restore_rate():
    bucket = full()
    bucket.spend(100, now=10)
    assert bucket.spend(0, now=12.5).remaining == pytest.approx(25)
    assert bucket.spend(26, now=12.5) == Decision(allowed=False, remaining=25, wait_s=0.1)


def test_the_bucket_never_holds_more_than_its_capacity():
    bucket = full()
    bucket.spend(10, now=0)
    assert bucket.spend(0, now=1_000).remaining == 100
    assert bucket.spend(101, now=1_000) == Decision(allowed=False, remaining=100, wait_s=0.1)


def test_a_clock_going_back_refills_nothing():
    bucket = full(at=10)
    bucket.spend(50, now=10)
    assert bucket.spend(0, now=5).remaining == 50


def test_a_query_costing_nothing_always_passes():
    bucket = full()
    bucket.spend(100, now=0)
    assert bucket.spend(0, now=0) == Decision(allowed=True, remaining=0, wait_s=0.0)


def test_the_limiter_keeps_one_full_bucket_per_key():
    limiter = RateLimiter(capacity=100, restore_rate=10)
    assert limiter.spend("a", 80, now=0).remaining == 20
    refused = limiter.spend("a", 30, now=0)
    assert (refused.allowed, refused.wait_s) == (False, 1.0)
    assert limiter.spend("b", 30, now=0) == Decision(allowed=True, remaining=70, wait_s=0.0)
    assert limiter.spend("a", 30, now=1.0) == Decision(allowed=True, remaining=0, wait_s=0.0)
