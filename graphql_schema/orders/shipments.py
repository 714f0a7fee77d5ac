"""Deliveries and returns of an order: dated records of which products moved."""

from datetime import date, datetime

import strawberry
from strawberry import relay

from app.context import Info
from db import graph, models
from graphql_schema.linked import follow
from graphql_schema.products.types import Product
from graphql_schema.rows import RowNode, from_rows


@strawberry.interface(description="A product quantity that moved in a delivery or a return.")
class MovedItem:
    units: int = strawberry.field(description="Units per package of the moved display.")
    quantity: int
    product_id: strawberry.Private[int]
    order_line_id: strawberry.Private[int]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await follow(info, Product, graph.MOVED_PRODUCT, self)


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

    @strawberry.field
    async def items(self, info: Info) -> list[DeliveryItem]:
        rows = await info.context.loaders.children(graph.DELIVERY_ITEMS).load(self.id)
        return from_rows(DeliveryItem, rows)


@strawberry.type(description="Products returned after delivery.")
class Return(RowNode):
    model = models.Return

    id: relay.NodeID[int]
    returned_on: date
    note: str | None
    recorded_at: datetime

    @strawberry.field
    async def items(self, info: Info) -> list[ReturnItem]:
        rows = await info.context.loaders.children(graph.RETURN_ITEMS).load(self.id)
        return from_rows(ReturnItem, rows)
