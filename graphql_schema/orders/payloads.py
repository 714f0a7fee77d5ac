"""Payloads of the order mutations: the changed order, or the errors and no change."""

import strawberry
from strawberry import relay

from graphql_schema.errors import UserError
from graphql_schema.orders.types import Order


@strawberry.type(description="The order as it is after the mutation, or what stopped it.")
class OrderPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteOrderPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Id of the order that was deleted."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
