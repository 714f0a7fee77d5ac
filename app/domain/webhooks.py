"""Webhook rules without I/O: which URLs may be called, when to retry, when to give up.

Kept pure so the arithmetic and the SSRF policy are tested without a database or a network.
"""

import base64
import ipaddress
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

URL_MAX = 2_000  # longer than any real callback; bounds what we store and resolve
DESCRIPTION_MAX = 500
EVENTS_MAX = 20  # more than OrderEventKind has: a list past it is a client bug
ENDPOINTS_PER_COMPANY_MAX = 20
RESPONSE_SNIPPET_MAX = 1_000  # what an attempt keeps of the receiver's answer
JITTER = 0.5  # a delay grows by up to half again, so retries of many deliveries spread out

# cloud metadata services that are not in a private or link-local range everywhere
_METADATA = frozenset(
    {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
)


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class Verdict(StrEnum):
    """What one attempt's answer means for the delivery and its endpoint."""

    DELIVERED = "delivered"  # any 2xx
    GONE = "gone"  # 410: the receiver asks us to stop; the endpoint is disabled
    RETRY = "retry"  # anything else, transport errors and timeouts included


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook endpoint on its face (before DNS), or None."""
    if len(url) > URL_MAX:
        return f"must be at most {URL_MAX:,} characters, got {len(url):,}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "must be an absolute http(s) URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URL"
    if parts.username is not None or parts.password is not None:
        return "must not carry credentials; authenticate receivers by the signature"
    return None


def address_problem(address: str) -> str | None:
    """Why a resolved address must not be called (SSRF), or None when it is a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in _METADATA or ip.is_link_local:
        return f"resolves to {ip}, a link-local or metadata address"
    if ip.is_loopback:
        return f"resolves to {ip}, a loopback address"
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return f"resolves to {ip}, a private or reserved address"
    if not ip.is_global:
        return f"resolves to {ip}, not a public address"
    return None


def verdict(status_code: int | None) -> Verdict:
    """None is an attempt that got no answer (refused, timed out, blocked)."""
    if status_code is not None and 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code == 410:
        return Verdict.GONE
    return Verdict.RETRY


def retry_delay(
    attempts: int, *, base_s: float, max_s: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base * 2^(n-1), plus jitter.

    The jitter only adds (up to JITTER of the step), so each delay is longer than the one
    before until the cap: a receiver that is down gets ever more room.
    """
    if attempts < 1:
        raise ValueError("attempts counts failed attempts, from 1")
    step = base_s * 2.0 ** min(attempts - 1, 62)
    jitter = (rng or random).random() * JITTER
    return min(step * (1 + jitter), max_s)


@dataclass(frozen=True, slots=True)
class AfterFailure:
    """What to do once an attempt failed: retry at `retry_at`, or give the delivery up."""

    retry_at: datetime | None  # None: failed for good, the window has passed
    disable_endpoint: bool  # the endpoint has been failing for longer than allowed


def after_failure(
    *,
    now: datetime,
    created_at: datetime,
    attempts: int,
    failing_since: datetime,
    base_s: float,
    max_delay_s: float,
    window_s: float,
    disable_after_s: float,
    rng: random.Random | None = None,
) -> AfterFailure:
    """The retry window counts from the event; a retry that would land past it is not made."""
    delay = retry_delay(attempts, base_s=base_s, max_s=max_delay_s, rng=rng)
    retry_at: datetime | None = now + timedelta(seconds=delay)
    if retry_at is not None and retry_at > created_at + timedelta(seconds=window_s):
        retry_at = None
    disable = now - failing_since >= timedelta(seconds=disable_after_s)
    return AfterFailure(retry_at=retry_at, disable_endpoint=disable)


def message_id(event_id: int) -> str:
    """The `webhook-id` of an event: the same for every attempt and every endpoint."""
    return f"evt_{event_id}"


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
