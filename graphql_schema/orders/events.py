"""OrderEvent: one entry of an order's history."""

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from db import models
from graphql_schema.enums import OrderEventKindEnum, OrderStatusEnum
from graphql_schema.rows import RowNode


@strawberry.type(description="Something that happened to an order, recorded as it committed.")
class OrderEvent(RowNode):
    model = models.OrderEvent

    id: relay.NodeID[int]
    kind: OrderEventKindEnum
    status_before: OrderStatusEnum | None
    status_after: OrderStatusEnum | None
    actor: str | None = strawberry.field(description="Who made the change (an API key name).")
    occurred_at: datetime
    details: JSON = strawberry.field(
        description="What changed: delivered items, reason code, changed fields..."
    )
