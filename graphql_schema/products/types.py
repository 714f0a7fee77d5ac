"""Product: what a company sells."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from app.context import Info
from db import graph, models
from graphql_schema.companies.types import Company
from graphql_schema.linked import linked
from graphql_schema.rows import RowNode


@strawberry.type(description="A product in a company's catalogue.")
class Product(RowNode):
    model = models.Product

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Product code, unique per company.")
    internal_code: str | None = strawberry.field(description="The ERP's internal product code.")
    external_id: str | None
    name: str
    units_per_package: int = strawberry.field(description="Units in one package (display).")
    list_price: Decimal = strawberry.field(description="Price per unit before discounts.")
    active: bool
    created_at: datetime
    updated_at: datetime
    company_id: strawberry.Private[int]

    @strawberry.field(
        description="Units available now: on hand less reserved. Read through the inventory's"
        " circuit breaker; null, with an error on this path, when the inventory cannot answer."
    )
    async def stock(self, info: Info) -> int | None:
        return await info.context.stock_levels.load(self.id)

    company = linked(
        graph.PRODUCT_COMPANY, Company, description="The company whose catalogue lists the product."
    )
