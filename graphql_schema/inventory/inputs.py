"""Input and payload of setStockLevel."""

import strawberry
from strawberry import relay

from graphql_schema.errors import UserError
from graphql_schema.products.types import Product


@strawberry.input(description="A stock count for one product.")
class SetStockLevelInput:
    product_id: relay.GlobalID
    on_hand: int = strawberry.field(
        description="Units physically on hand; not below what orders have reserved."
    )


@strawberry.type
class StockLevelPayload:
    product: Product | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
