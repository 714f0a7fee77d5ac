"""Webhook rules without I/O: the SSRF policy on addresses, backoff, when to give up."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.webhooks import (
    JITTER,
    URL_MAX,
    Verdict,
    address_problem,
    after_failure,
    message_id,
    new_secret,
    retry_delay,
    url_problem,
    verdict,
)

T0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "https://erp.example.com/hooks",
        "http://erp.example.com:8080/in?x=1",
        "https://[2001:db8::1]/",
    ],
)
def test_absolute_http_urls_pass_on_their_face(url):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://erp.example.com/", "must be an absolute http(s) URL"),
        ("file:///etc/passwd", "must be an absolute http(s) URL"),
        ("/relative/path", "must be an absolute http(s) URL"),
        ("https://erp.example.com:99999/", "must be an absolute http(s) URL"),
        ("https://user:pw@erp.example.com/", "must not carry credentials"),
        ("https://e.example.com/" + "a" * URL_MAX, "must be at most 2,000 characters"),
    ],
)
def test_other_urls_are_refused(url, problem):
    assert (url_problem(url) or "").startswith(problem)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "fe80::1", "fd00:ec2::254", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1",
    ],
)  # fmt: skip
def test_loopback_private_link_local_and_metadata_addresses_are_refused(address):
    assert address_problem(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, Verdict.DELIVERED), (204, Verdict.DELIVERED), (299, Verdict.DELIVERED),
     (410, Verdict.GONE), (500, Verdict.RETRY), (404, Verdict.RETRY), (301, Verdict.RETRY),
     (None, Verdict.RETRY)],
)  # fmt: skip
def test_only_2xx_delivers_and_410_means_gone(status, expected):
    assert verdict(status) is expected


def test_delays_double_and_jitter_only_lengthens_them():
    rng = random.Random(7)
    delays = [retry_delay(n, base_s=1.0, max_s=10_000, rng=rng) for n in range(1, 9)]
    for n, delay in enumerate(delays, start=1):
        assert 2 ** (n - 1) <= delay <= 2 ** (n - 1) * (1 + JITTER)
    assert delays == sorted(delays)
    assert len(set(delays)) == len(delays)


def test_jitter_spreads_deliveries_that_failed_together():
    rng = random.Random(1)
    assert len({retry_delay(3, base_s=1.0, max_s=100, rng=rng) for _ in range(20)}) == 20


def test_delays_stop_growing_at_the_cap_even_after_many_attempts():
    assert retry_delay(500, base_s=5.0, max_s=3600.0) == 3600.0


def test_attempts_count_from_one():
    with pytest.raises(ValueError, match="from 1"):
        retry_delay(0, base_s=1.0, max_s=10)


def plan(now, *, created_at=T0, failing_since=None, window_s=3600, disable_after_s=7200):
    return after_failure(
        now=now,
        created_at=created_at,
        attempts=1,
        failing_since=failing_since or now,
        base_s=60,
        max_delay_s=600,
        window_s=window_s,
        disable_after_s=disable_after_s,
        rng=random.Random(0),
    )


def test_a_retry_is_planned_within_the_window():
    after = plan(T0 + timedelta(minutes=10))
    assert after.retry_at is not None
    assert timedelta(seconds=60) <= after.retry_at - (T0 + timedelta(minutes=10))
    assert not after.disable_endpoint


def test_a_retry_that_would_land_past_the_window_is_not_made():
    assert plan(T0 + timedelta(minutes=59, seconds=30)).retry_at is None


def test_an_endpoint_failing_longer_than_allowed_is_disabled():
    now = T0 + timedelta(hours=3)
    assert plan(now, failing_since=now - timedelta(hours=2)).disable_endpoint
    assert not plan(now, failing_since=now - timedelta(hours=1)).disable_endpoint


def test_the_message_id_is_the_events_and_secrets_are_standard_and_fresh():
    assert message_id(42) == "evt_42"
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert first != second
