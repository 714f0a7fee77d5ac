"""Inputs and payloads of the company mutations."""

from decimal import Decimal

import strawberry
from strawberry import relay

from graphql_schema.companies.types import Company
from graphql_schema.errors import UserError


@strawberry.input(description="A new company (tenant).")
class CreateCompanyInput:
    code: str = strawberry.field(description="Short code, unique across companies.")
    name: str
    tax_rate: Decimal | None = strawberry.field(
        default=None, description="Sales tax as a fraction; the server's default when omitted."
    )
    currency: str = "PEN"
    tax_id: str | None = None
    external_id: str | None = None


@strawberry.input(description="Changes to a company; omitted fields keep their value.")
class UpdateCompanyInput:
    id: relay.GlobalID
    code: str | None = None
    name: str | None = None
    tax_rate: Decimal | None = None
    currency: str | None = None
    tax_id: str | None = None
    external_id: str | None = None


@strawberry.type
class CompanyPayload:
    company: Company | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
