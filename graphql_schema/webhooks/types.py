"""WebhookEndpoint and its deliveries, each with the attempts made to deliver it."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from app.context import Info
from app.domain.webhooks import DeliveryStatus, message_id
from db import models
from db.graph import Children
from db.pagination import count, keyset_page
from db.queries import webhooks
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection, connection_from_page, page_request
from graphql_schema.enums import OrderEventKindEnum
from graphql_schema.orders.events import OrderEvent
from graphql_schema.rows import RowNode, from_row, from_rows

DeliveryStatusEnum = strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING until a 2xx answer (DELIVERED) or until its retries end (FAILED).",
)

ATTEMPTS = Children(
    models.WebhookAttempt, models.WebhookAttempt.delivery_id, (models.WebhookAttempt.id,)
)


@strawberry.type(description="One POST to the endpoint and what it answered.")
class WebhookAttempt:
    attempted_at: datetime
    status_code: int | None = strawberry.field(
        description="The HTTP status; null when there was no answer (see error)."
    )
    duration_ms: int
    response_snippet: str | None = strawberry.field(
        description="The start of the answer's body (at most 1,000 bytes)."
    )
    error: str | None = strawberry.field(
        description="Why there was no answer: timed out, refused, a forbidden address..."
    )
    retry_in_ms: int | None = strawberry.field(
        description="The backoff chosen after this attempt, when it was retried."
    )


def _can_manage(info: Info) -> bool:
    return info.context.principal.allows("webhook.manage")


@strawberry.type(description="One order event to deliver to one endpoint.")
class WebhookDelivery(RowNode):
    model = models.WebhookDelivery

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        return _can_manage(info)

    id: relay.NodeID[int]
    status: DeliveryStatusEnum  # type: ignore[valid-type]
    attempt_count: int
    next_attempt_at: datetime = strawberry.field(
        description="When a PENDING delivery is attempted next."
    )
    created_at: datetime = strawberry.field(
        description="When it was queued (again, for a redelivery): its retry window starts here."
    )
    finished_at: datetime | None
    event_id: strawberry.Private[int]

    @strawberry.field(description="The `webhook-id` header: the same on every attempt.")
    def message_id(self) -> str:
        return message_id(self.event_id)

    @strawberry.field(description="The order event delivered.")
    async def event(self, info: Info) -> OrderEvent | None:
        row = await info.context.loaders.by_id(models.OrderEvent).load(self.event_id)
        return from_row(OrderEvent, row) if row is not None else None

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempts(self, info: Info) -> list[WebhookAttempt]:
        rows = await info.context.loaders.children(ATTEMPTS).load(self.id)
        return from_rows(WebhookAttempt, rows)


@strawberry.type(description="Where a company's order events are POSTed, signed.")
class WebhookEndpoint(RowNode):
    model = models.WebhookEndpoint

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        """node(id) must not show endpoints to a key that webhookEndpoints would refuse."""
        return _can_manage(info)

    id: relay.NodeID[int]
    url: str
    description: str | None
    events: list[OrderEventKindEnum] = strawberry.field(
        description="The event kinds sent to this endpoint."
    )
    enabled: bool = strawberry.field(description="Disabled endpoints get no new deliveries.")
    disabled_reason: str | None = strawberry.field(
        description="Why the server disabled it (410 Gone, failing too long); null if enabled."
    )
    disabled_at: datetime | None
    failing_since: datetime | None = strawberry.field(
        description="The first failed attempt since the last success."
    )
    created_at: datetime
    updated_at: datetime
    company_id: strawberry.Private[int]

    @strawberry.field(description="The company whose order events this endpoint receives.")
    async def company(self, info: Info) -> Company | None:
        row = await info.context.loaders.by_id(models.Company).load(self.company_id)
        return from_row(Company, row) if row is not None else None

    @strawberry.field(description="Deliveries to this endpoint, newest first.")
    async def deliveries(
        self,
        info: Info,
        status: DeliveryStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WebhookDelivery]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        session = info.context.session
        query = webhooks.select_deliveries(self.id, status=status)
        page = await keyset_page(session, query, webhooks.DELIVERIES, request)
        return connection_from_page(
            WebhookDelivery, page, webhooks.DELIVERIES, lambda: count(session, query)
        )
