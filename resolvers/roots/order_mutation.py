"""Mutations that create orders and move them through their lifecycle."""

import strawberry

from graphql_schema.orders.payloads import DeleteOrderPayload, OrderPayload
from graphql_schema.permissions import OrderWrite
from resolvers.orders.cancel_order import cancel_order
from resolvers.orders.confirm_order import confirm_order
from resolvers.orders.create_order import create_order
from resolvers.orders.delete_order import delete_order
from resolvers.orders.deliver_order import deliver_order
from resolvers.orders.return_order_items import return_order_items
from resolvers.orders.ship_order import ship_order
from resolvers.orders.update_order import update_order


@strawberry.type
class OrderMutation:
    create_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=create_order,
        description="Create a PENDING order. Defaults are applied, totals computed and stock"
        " checked; every problem comes back in errors, and then nothing is written.",
    )
    update_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=update_order,
        description="Change a PENDING order at the version you read; lines, when sent,"
        " replace the old ones and the totals are recomputed.",
    )
    delete_order: DeleteOrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=delete_order,
        description="Delete a PENDING or CANCELLED order and its lines.",
    )
    confirm_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=confirm_order,
        description="Confirm a PENDING order and reserve its stock; on a CONFIRMED order,"
        " only move the estimated delivery date.",
    )
    ship_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=ship_order,
        description="Mark a CONFIRMED order as shipped.",
    )
    deliver_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=deliver_order,
        description="Record a delivery, complete or partial by product. The order stays"
        " PARTIALLY_DELIVERED until every line is delivered.",
    )
    return_order_items: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=return_order_items,
        description="Record products returned; never more than was delivered.",
    )
    cancel_order: OrderPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=cancel_order,
        description="Cancel an order before delivery, with a reason code. Releases"
        " undelivered stock.",
    )
