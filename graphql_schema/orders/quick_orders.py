"""Quick-order suggestions: products a client is offered to re-order in one click."""

import strawberry
from strawberry.scalars import JSON

from app.context import Info
from db import graph
from graphql_schema.linked import follow
from graphql_schema.products.types import Product


@strawberry.type(description="A suggested product for a client's quick order.")
class QuickOrderSuggestion:
    units: int
    quantity: int
    rank: int
    display_in_group: JSON = strawberry.field(description="Alternative displays to offer.")
    product_id: strawberry.Private[int]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await follow(info, Product, graph.SUGGESTED_PRODUCT, self)
