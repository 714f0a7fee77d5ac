"""The shared cost budgets: two processes' limiters on one file spend from one bucket per key."""

from app.shared_budget import SharedRateLimiter, create_budget_file


def limiters(tmp_path, count=2, slots=65_536):
    path = create_budget_file(tmp_path / "budgets", slots=slots)
    return [SharedRateLimiter(path, capacity=10, restore_rate=1) for _ in range(count)]


def test_two_limiters_on_one_file_share_each_keys_bucket(tmp_path):
    first, second = limiters(tmp_path)

    assert first.spend("key:1", 6, now=100.0).allowed
    refused = second.spend("key:1", 6, now=100.0)

    assert not refused.allowed
    assert refused.remaining == 4
    assert refused.wait_s == 2  # two points short at one point a second
    assert second.spend("key:2", 6, now=100.0).allowed  # another key has its own bucket


def test_a_bucket_refills_as_time_passes_whoever_reads_it(tmp_path):
    first, second = limiters(tmp_path)
    first.spend("key:1", 10, now=100.0)

    assert second.available("key:1", now=103.0) == 3
    assert first.available("key:1", now=1_000.0) == 10  # never more than its capacity


def test_with_every_slot_taken_the_idlest_key_gives_way(tmp_path):
    [limiter] = limiters(tmp_path, count=1, slots=1)
    limiter.spend("key:old", 10, now=100.0)

    assert limiter.spend("key:new", 10, now=200.0).allowed  # reuses the only slot
    assert limiter.available("key:old", now=200.0) == 10  # it starts again, full
