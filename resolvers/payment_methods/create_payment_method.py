"""createPaymentMethod: check everything at once, insert, answer."""

from app.context import Info
from app.domain.catalog import payment_method_errors
from db import models
from db.queries.codes import save_checked
from graphql_schema.payment_methods.inputs import CreatePaymentMethodInput, PaymentMethodPayload
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.rows import from_row
from resolvers.global_ids import optional_input_id
from resolvers.outcome import in_transaction

FIELDS = ("code", "name")


async def create_payment_method(
    info: Info, input: CreatePaymentMethodInput
) -> PaymentMethodPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.PaymentMethod:
        errors = payment_method_errors(input)
        company_id = optional_input_id(input.company_id, "Company", ("company_id",), errors)
        row = models.PaymentMethod(company_id=company_id)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    method = from_row(PaymentMethod, row) if row else None
    return PaymentMethodPayload(payment_method=method, errors=errors)
