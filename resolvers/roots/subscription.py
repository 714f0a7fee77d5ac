"""Subscription root: streams over WebSocket (graphql-transport-ws)."""

from collections.abc import AsyncGenerator

import strawberry

from graphql_schema.orders.events import OrderEvent
from graphql_schema.permissions import OrderRead
from resolvers.orders.order_events import order_events


@strawberry.type
class Subscription:
    # the resolver's own type: Strawberry strips AsyncGenerator, so the SDL says OrderEvent!
    order_events: AsyncGenerator[OrderEvent, None] = strawberry.subscription(
        permission_classes=[OrderRead],
        resolver=order_events,
        description="Order history events of your companies, as they commit. "
        "Ends with an UNAUTHENTICATED error once the API key is revoked.",
    )
