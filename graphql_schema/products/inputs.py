"""Inputs and payloads of the product mutations."""

from decimal import Decimal

import strawberry
from strawberry import relay

from graphql_schema.errors import UserError
from graphql_schema.products.types import Product

_CODE = (
    "Product code [productCode]: 1-32 letters, digits, '.', '_', '/' or '-'; unique per company."
)
_INTERNAL_CODE = "The ERP's internal product code [productInternalCode], at most 32 characters."
_UNITS = "Units in one package, 1 or more."
_PRICE = "Price per unit before discounts, from 0, with at most 2 decimals (send it as a string)."


@strawberry.input(description="A new product in a company's catalogue.")
class CreateProductInput:
    company_id: relay.GlobalID = strawberry.field(
        description="The company whose catalogue lists it (one of yours); it cannot change later."
    )
    code: str = strawberry.field(description=_CODE)
    name: str = strawberry.field(description="Name shown on orders; not blank.")
    list_price: Decimal = strawberry.field(description=_PRICE)
    internal_code: str | None = strawberry.field(default=None, description=_INTERNAL_CODE)
    units_per_package: int = strawberry.field(default=1, description=_UNITS)
    active: bool = strawberry.field(
        default=True, description="Inactive products stay on old orders but should not be sold."
    )
    external_id: str | None = strawberry.field(default=None, description="The ERP's id.")


@strawberry.input(description="Changes to a product; omitted fields keep their value.")
class UpdateProductInput:
    id: relay.GlobalID = strawberry.field(description="The Product to change.")
    code: str | None = strawberry.field(default=None, description=_CODE)
    name: str | None = None
    list_price: Decimal | None = strawberry.field(
        default=None, description=f"{_PRICE} Existing orders keep their prices."
    )
    internal_code: str | None = strawberry.field(default=None, description=_INTERNAL_CODE)
    units_per_package: int | None = strawberry.field(default=None, description=_UNITS)
    active: bool | None = None
    external_id: str | None = None


@strawberry.type(description="The product a mutation wrote, or why nothing was written.")
class ProductPayload:
    product: Product | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
