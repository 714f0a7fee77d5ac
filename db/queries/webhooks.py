"""SQL for webhooks: endpoints, the outbox written with each event, and the workers' claims."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from app.domain.webhooks import DeliveryStatus
from db.models import OrderEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from db.pagination import Ordering

ENDPOINTS = Ordering("webhooks.endpoints", WebhookEndpoint.id, WebhookEndpoint.id)
DELIVERIES = Ordering(
    "webhooks.deliveries", WebhookDelivery.id, WebhookDelivery.id, descending=True
)
PENDING = DeliveryStatus.PENDING.value


# --- endpoints -----------------------------------------------------------------------------------


def select_endpoints(*, company_ids: Collection[int]) -> Select[Any]:
    return sa.select(WebhookEndpoint).where(WebhookEndpoint.company_id.in_(company_ids))


async def count_endpoints(session: AsyncSession, company_id: int) -> int:
    statement = sa.select(sa.func.count()).where(WebhookEndpoint.company_id == company_id)
    return int(await session.scalar(statement) or 0)


async def get_endpoint_for_update(
    session: AsyncSession, endpoint_id: int, *, company_ids: Collection[int]
) -> WebhookEndpoint | None:
    statement = (
        sa.select(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.company_id.in_(company_ids))
        .with_for_update()
    )
    return (await session.scalars(statement)).one_or_none()


async def delete_endpoint(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    """Its deliveries and attempts go with it (ON DELETE CASCADE)."""
    await session.delete(endpoint)
    await session.flush()


# --- the outbox ----------------------------------------------------------------------------------


async def enqueue(session: AsyncSession, event: OrderEvent) -> None:
    """One delivery per enabled endpoint of the event's company that wants its kind.

    One INSERT ... SELECT in the event's own transaction: the write path pays one statement.
    """
    chosen = sa.select(
        WebhookEndpoint.id,
        WebhookEndpoint.company_id,
        sa.literal(event.id),
        sa.literal(event.order_id),
    ).where(
        WebhookEndpoint.company_id == event.company_id,
        WebhookEndpoint.enabled.is_(True),
        sa.literal(str(event.kind)) == sa.any_(WebhookEndpoint.events),
    )
    await session.execute(
        sa.insert(WebhookDelivery).from_select(
            ["endpoint_id", "company_id", "event_id", "order_id"], chosen
        )
    )


async def pending_count(session: AsyncSession) -> int:
    """Deliveries still to make, for the backlog gauge (disabled endpoints' included)."""
    statement = sa.select(sa.func.count()).where(WebhookDelivery.status == PENDING)
    return int(await session.scalar(statement) or 0)


# --- the workers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery leased to one worker, with what it needs to make the attempt."""

    delivery_id: int
    event_id: int
    order_id: int
    company_id: int
    attempt_count: int
    body: str | None
    created_at: datetime
    endpoint_id: int
    url: str
    secrets: tuple[str, ...]  # the current one, and the one rotated out while it overlaps


async def claim_due(session: AsyncSession, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease due deliveries: the first pending one of each order for each enabled endpoint.

    A later event of an order waits while an earlier one to the same endpoint is pending, so a
    receiver sees an order's events in order. SKIP LOCKED lets several processes claim at once;
    the lease (next_attempt_at moved on) keeps others off while the attempt is made, and a
    worker that dies leaves the delivery to be taken again once the lease runs out.
    """
    earlier = aliased(WebhookDelivery)
    waiting = (
        sa.select(earlier.id)
        .where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.order_id == WebhookDelivery.order_id,
            earlier.status == PENDING,
            earlier.event_id < WebhookDelivery.event_id,
        )
        .exists()
    )
    due = (
        sa.select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == PENDING,
            WebhookDelivery.next_attempt_at <= sa.func.now(),
            WebhookEndpoint.enabled.is_(True),
            ~waiting,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
        .scalar_subquery()
    )
    leased = (
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(due))
        .values(next_attempt_at=sa.func.now() + lease)
        .returning(
            WebhookDelivery.id,
            WebhookDelivery.event_id,
            WebhookDelivery.order_id,
            WebhookDelivery.company_id,
            WebhookDelivery.attempt_count,
            WebhookDelivery.body,
            WebhookDelivery.created_at,
            WebhookDelivery.endpoint_id,
        )
    )
    rows = (await session.execute(leased)).all()
    if not rows:
        return []
    endpoints = {
        row.id: row
        for row in await session.execute(
            sa.select(
                WebhookEndpoint.id,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
                sa.case(
                    (
                        WebhookEndpoint.previous_secret_until > sa.func.now(),
                        WebhookEndpoint.previous_secret,
                    ),
                ).label("previous_secret"),
            ).where(WebhookEndpoint.id.in_({row.endpoint_id for row in rows}))
        )
    }
    return [
        Claimed(
            delivery_id=row.id,
            event_id=row.event_id,
            order_id=row.order_id,
            company_id=row.company_id,
            attempt_count=row.attempt_count,
            body=row.body,
            created_at=row.created_at,
            endpoint_id=row.endpoint_id,
            url=endpoints[row.endpoint_id].url,
            secrets=_secrets(endpoints[row.endpoint_id]),
        )
        for row in sorted(rows, key=lambda row: row.id)
    ]


def _secrets(endpoint: Any) -> tuple[str, ...]:
    previous = endpoint.previous_secret
    return (endpoint.secret,) if previous is None else (endpoint.secret, previous)


async def rotate_secret(
    session: AsyncSession, endpoint: WebhookEndpoint, secret: str, *, overlap: timedelta
) -> WebhookEndpoint:
    """The old secret keeps signing (alongside) for `overlap`, so receivers can switch over."""
    endpoint.previous_secret = endpoint.secret if overlap else None
    endpoint.previous_secret_until = (await now(session)) + overlap if overlap else None
    endpoint.secret = secret
    await session.flush()
    await session.refresh(endpoint)
    return endpoint


async def event_by_id(session: AsyncSession, event_id: int) -> OrderEvent | None:
    return await session.get(OrderEvent, event_id)


async def now(session: AsyncSession) -> datetime:
    """The database's clock: the one next_attempt_at is compared with."""
    value = await session.scalar(sa.select(sa.func.now()))
    assert isinstance(value, datetime)
    return value


async def failing_since(session: AsyncSession, endpoint_id: int) -> datetime | None:
    statement = sa.select(WebhookEndpoint.failing_since).where(WebhookEndpoint.id == endpoint_id)
    return await session.scalar(statement)


async def record_attempt(
    session: AsyncSession,
    delivery_id: int,
    *,
    status_code: int | None,
    duration_ms: int,
    response_snippet: str | None,
    error: str | None,
    retry_in_ms: int | None,
) -> None:
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            status_code=status_code,
            duration_ms=duration_ms,
            response_snippet=response_snippet,
            error=error,
            retry_in_ms=retry_in_ms,
        )
    )
    await session.flush()


async def settle(
    session: AsyncSession,
    delivery_id: int,
    *,
    status: DeliveryStatus,
    body: str | None,
    next_attempt_at: datetime | None = None,
) -> bool:
    """Count the attempt and set where the delivery stands; False if it is no longer pending.

    A delivery deleted with its endpoint, or already settled by a worker whose lease this
    one outlived, is left as it is.
    """
    values: dict[str, Any] = {
        "status": status.value,
        "attempt_count": WebhookDelivery.attempt_count + 1,
        "body": sa.func.coalesce(WebhookDelivery.body, body),
    }
    if status is DeliveryStatus.PENDING:
        values["next_attempt_at"] = next_attempt_at
    else:
        values["finished_at"] = sa.func.now()
    statement = (
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == PENDING)
        .values(**values)
        .returning(WebhookDelivery.id)
    )
    return (await session.execute(statement)).first() is not None


async def endpoint_succeeded(session: AsyncSession, endpoint_id: int) -> None:
    await session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
        .values(failing_since=None)
    )


async def endpoint_failed(session: AsyncSession, endpoint_id: int) -> None:
    """The failing streak starts at its first failure."""
    await session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
        .values(failing_since=sa.func.now())
    )


async def disable_endpoint(session: AsyncSession, endpoint_id: int, reason: str) -> bool:
    """True when this call disabled it (it was still enabled)."""
    statement = (
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason[:500], disabled_at=sa.func.now())
        .returning(WebhookEndpoint.id)
    )
    return (await session.execute(statement)).first() is not None


async def purge_finished(session: AsyncSession, older_than: timedelta, limit: int = 1_000) -> int:
    """Delete up to `limit` deliveries settled longer ago than `older_than`, attempts with them."""
    old = (
        sa.select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status != PENDING,
            WebhookDelivery.finished_at < sa.func.now() - older_than,
        )
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.id.in_(old)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- reading back --------------------------------------------------------------------------------


def select_deliveries(endpoint_id: int, *, status: DeliveryStatus | None) -> Select[Any]:
    query = sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    return query if status is None else query.where(WebhookDelivery.status == status.value)


async def attempts_by_delivery_ids(
    session: AsyncSession, delivery_ids: Sequence[int]
) -> dict[int, list[WebhookAttempt]]:
    """Attempts of many deliveries in one SELECT, oldest first."""
    statement = (
        sa.select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.id)
    )
    grouped: dict[int, list[WebhookAttempt]] = {}
    for row in (await session.scalars(statement)).all():
        grouped.setdefault(row.delivery_id, []).append(row)
    return grouped


async def events_by_ids(session: AsyncSession, event_ids: Sequence[int]) -> dict[int, OrderEvent]:
    statement = sa.select(OrderEvent).where(OrderEvent.id.in_(event_ids))
    return {row.id: row for row in (await session.scalars(statement)).all()}


async def get_delivery_for_update(
    session: AsyncSession, delivery_id: int, *, company_ids: Collection[int]
) -> WebhookDelivery | None:
    statement = (
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.company_id.in_(company_ids))
        .with_for_update()
    )
    return (await session.scalars(statement)).one_or_none()


async def requeue(session: AsyncSession, delivery: WebhookDelivery) -> WebhookDelivery:
    """Pending again, due now, with the same event id and body; earlier attempts stay logged.

    Its retry window starts again: queued anew, it gets the retries of a new delivery.
    """
    delivery.status = PENDING
    delivery.next_attempt_at = delivery.created_at = await now(session)
    delivery.finished_at = None
    await session.flush()
    return delivery
