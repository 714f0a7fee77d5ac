"""Stock mutations: counting stock in for a product."""

import strawberry

from graphql_schema.inventory.inputs import StockLevelPayload
from graphql_schema.permissions import Admin
from resolvers.inventory.set_stock_level import set_stock_level


@strawberry.type
class InventoryMutation:
    set_stock_level: StockLevelPayload = strawberry.mutation(
        permission_classes=[Admin],
        resolver=set_stock_level,
        description="Record a stock count. Refused below the units reserved by orders.",
    )
