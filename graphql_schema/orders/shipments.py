"""Deliveries and returns of an order: dated records of which products moved."""

from datetime import date, datetime

import strawberry
from strawberry import relay

from db import graph, models
from graphql_schema.linked import linked
from graphql_schema.products.types import Product
from graphql_schema.rows import RowNode


@strawberry.interface(description="A product quantity that moved in a delivery or a return.")
class MovedItem:
    units: int = strawberry.field(description="Units per package of the moved display.")
    quantity: int
    product_id: strawberry.Private[int]
    order_line_id: strawberry.Private[int]

    product = linked(graph.MOVED_PRODUCT, Product)


@strawberry.type(description="A product quantity handed over in a delivery.")
class DeliveryItem(MovedItem):
    pass


@strawberry.type(description="A product quantity that came back in a return.")
class ReturnItem(MovedItem):
    pass


@strawberry.type(description="A delivery of some or all of an order's products.")
class Delivery(RowNode):
    model = models.Delivery

    id: relay.NodeID[int]
    delivered_on: date
    complete: bool = strawberry.field(description="The client reported a complete delivery.")
    note: str | None
    recorded_at: datetime

    items = linked(graph.DELIVERY_ITEMS, DeliveryItem)


@strawberry.type(description="Products returned after delivery.")
class Return(RowNode):
    model = models.Return

    id: relay.NodeID[int]
    returned_on: date
    note: str | None
    recorded_at: datetime

    items = linked(graph.RETURN_ITEMS, ReturnItem)
