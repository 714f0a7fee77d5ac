"""Quick-order suggestions: products a client is offered to re-order in one click."""

import strawberry
from strawberry.scalars import JSON

from db import graph
from graphql_schema.linked import linked
from graphql_schema.products.types import Product


@strawberry.type(description="A suggested product for a client's quick order.")
class QuickOrderSuggestion:
    units: int
    quantity: int
    rank: int
    display_in_group: JSON = strawberry.field(description="Alternative displays to offer.")
    product_id: strawberry.Private[int]

    product = linked(graph.SUGGESTED_PRODUCT, Product)
