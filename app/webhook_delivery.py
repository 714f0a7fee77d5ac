"""One webhook attempt: the body rendered, signed, POSTed, and the answer read (a little).

The body holds the event and the order as the read graph shows it; the signature is the
Standard Webhooks scheme; the POST has a timeout and the answer is read up to a small bound.
"""

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks.webhooks import Webhook
from strawberry.relay import to_base64

from app.auth import Principal
from app.context import build_context
from app.domain.webhooks import RESPONSE_SNIPPET_MAX, message_id
from app.settings import Settings
from app.stock_guard import InventoryGuard
from db.queries import webhooks
from db.queries.webhooks import Claimed

# The order as a partner reading the API would see it: the schema renders it, not our own code
# (through the compiled read path: one SQL statement per order, the same JSON as the reference).
ORDER_QUERY = """
query WebhookOrder($id: ID!) {
  order(id: $id) {
      id number externalId source description type status orderedAt estimatedDeliveryOn
      confirmedAt shippedAt deliveredAt cancelledAt cancellationReason cancellationNote
      currency taxRate grossAmount discountAmount taxableBase taxAmount shippingAmount
      totalAmount totalQuantity deliveredQuantity returnedQuantity pendingQuantity
      createdAt updatedAt version
      company { id code name }
      client { id code name }
      lines {
        id position externalId quantity unitPrice grossAmount discountAmount amount status
        deliveredQuantity returnedQuantity pendingQuantity product { id code name }
      }
  }
}
"""


class RenderError(Exception):
    """The schema could not render the order: a bug, retried after the lease."""


async def render(
    session: AsyncSession, claimed: Claimed, settings: Settings, guard: InventoryGuard
) -> str:
    """The JSON body, fixed at the first attempt so every retry sends the same bytes."""
    from resolvers.roots.schema import schema  # the schema imports the app's context

    event = await webhooks.event_by_id(session, claimed.event_id)
    if event is None:
        raise RenderError(f"event {claimed.event_id} is gone")
    principal = Principal(
        key_id=f"webhook-endpoint-{claimed.endpoint_id}",
        company_ids=frozenset({claimed.company_id}),
        scopes=frozenset({"order.read"}),
    )
    context = build_context(
        session, principal, settings, f"webhook-{claimed.delivery_id}", guard=guard
    )
    result = await schema.execute(
        ORDER_QUERY,
        variable_values={"id": to_base64("Order", claimed.order_id)},
        context_value=context,
    )
    if result.errors:
        raise RenderError(f"the order query failed: {result.errors[0].message}")
    order = (result.data or {}).get("order")  # None once the order was deleted
    kind = str(event.kind)
    body = {
        "id": message_id(event.id),
        "type": f"order.{kind.lower()}",
        "timestamp": _iso(event.occurred_at),
        "data": {
            "event": {
                "id": to_base64("OrderEvent", event.id),
                "kind": kind,
                "occurredAt": _iso(event.occurred_at),
                "statusBefore": _value(event.status_before),
                "statusAfter": _value(event.status_after),
                "actor": event.actor,
                "details": event.details,
            },
            "order": order,
        },
    }
    return json.dumps(body, separators=(",", ":"), default=str)


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int | None  # None: no answer (refused, timed out, blocked by the guard)
    duration_ms: int
    snippet: str | None
    error: str | None


def signed_headers(claimed: Claimed, body: str, now: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers; the id is the event's, the same on every attempt."""
    msg_id = message_id(claimed.event_id)
    return {
        "content-type": "application/json",
        "user-agent": "orders-api-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        # one signature per secret, space-separated: receivers accept any (the spec's rotation)
        "webhook-signature": " ".join(
            Webhook(secret).sign(msg_id, now, body) for secret in claimed.secrets
        ),
    }


async def post(http: httpx.AsyncClient, claimed: Claimed, body: str, timeout_s: float) -> Answer:
    """Never follows redirects (a 3xx is a failure): a redirect could lead past the SSRF guard."""
    headers = signed_headers(claimed, body, datetime.now(UTC))
    started = time.perf_counter()
    try:
        async with (
            asyncio.timeout(timeout_s),
            http.stream("POST", claimed.url, content=body.encode(), headers=headers) as response,
        ):
            snippet = await _read_some(response)
            status = response.status_code
    except (httpx.HTTPError, TimeoutError, OSError) as error:
        return Answer(None, _ms_since(started), None, _describe(error))
    return Answer(status, _ms_since(started), snippet, None)


async def _read_some(response: httpx.Response) -> str:
    """At most RESPONSE_SNIPPET_MAX bytes: a receiver answering gigabytes costs us nothing."""
    taken = bytearray()
    async for chunk in response.aiter_raw():
        taken.extend(chunk[: RESPONSE_SNIPPET_MAX - len(taken)])
        if len(taken) >= RESPONSE_SNIPPET_MAX:
            break
    # PostgreSQL text holds no NUL: a receiver must not be able to break the attempt's record
    return taken.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError | httpx.TimeoutException):
        return "timed out"
    text = (str(error) or type(error).__name__).replace("\x00", "\ufffd")
    return f"{type(error).__name__}: {text.splitlines()[0]}"[:500]


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _value(status: Any) -> str | None:
    return None if status is None else str(status)
