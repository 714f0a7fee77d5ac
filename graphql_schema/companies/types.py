"""Company: the tenant that receives orders."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from db import models
from graphql_schema.rows import RowNode


@strawberry.type(description="A company that receives orders. Every other record belongs to one.")
class Company(RowNode):
    model = models.Company

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short code, unique across companies.")
    external_id: str | None = strawberry.field(description="The company's id in the ERP.")
    name: str
    tax_id: str | None = strawberry.field(description="Tax identification (RUC, CUIT, NIF...).")
    tax_rate: Decimal = strawberry.field(
        description="Sales tax rate applied to orders, as a fraction (0.18 is Peru's IGV)."
    )
    currency: str = strawberry.field(description="ISO 4217 currency of the company's orders.")
    created_at: datetime
    updated_at: datetime
