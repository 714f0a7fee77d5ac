"""Inputs and payloads of the payment method mutations."""

import strawberry
from strawberry import relay

from graphql_schema.errors import UserError
from graphql_schema.payment_methods.types import PaymentMethod

_CODE = (
    "Payment method code [formaPago]: 1-32 letters, digits, '.', '_', '/' or '-'; "
    "unique per company."
)
_NAME = "Name shown to people, such as '30-day credit'; not blank, at most 100 characters."


@strawberry.input(description="A new way a company's clients can pay.")
class CreatePaymentMethodInput:
    company_id: relay.GlobalID = strawberry.field(
        description="The company that accepts it (one of yours); it cannot change later."
    )
    code: str = strawberry.field(description=_CODE)
    name: str = strawberry.field(description=_NAME)


@strawberry.input(description="Changes to a payment method; omitted fields keep their value.")
class UpdatePaymentMethodInput:
    id: relay.GlobalID = strawberry.field(description="The PaymentMethod to change.")
    code: str | None = strawberry.field(default=None, description=_CODE)
    name: str | None = strawberry.field(default=None, description=_NAME)


@strawberry.type(description="The payment method a mutation wrote, or why nothing was written.")
class PaymentMethodPayload:
    payment_method: PaymentMethod | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
