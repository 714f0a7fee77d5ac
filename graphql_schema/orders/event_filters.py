"""Which order events a subscriber wants."""

import strawberry
from strawberry import relay

from graphql_schema.enums import OrderEventKindEnum


@strawberry.input(description="Events to stream; all given filters must match.")
class OrderEventFilter:
    order_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Only these orders' events."
    )
    company_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Only these companies' events (within your key's)."
    )
    kinds: list[OrderEventKindEnum] | None = strawberry.field(
        default=None, description="Only these kinds, e.g. CONFIRMED, DELIVERED."
    )
