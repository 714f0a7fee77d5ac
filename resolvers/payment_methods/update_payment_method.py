"""updatePaymentMethod: lock, check everything at once, change, answer."""

from app.context import Info
from app.domain.catalog import payment_method_errors
from db import models
from db.queries.codes import lock_in_scope, save_checked
from graphql_schema.payment_methods.inputs import PaymentMethodPayload, UpdatePaymentMethodInput
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction
from resolvers.payment_methods.create_payment_method import FIELDS


async def update_payment_method(
    info: Info, input: UpdatePaymentMethodInput
) -> PaymentMethodPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.PaymentMethod:
        method_id = input_id(input.id, "PaymentMethod", ("id",))
        row = await lock_in_scope(
            ctx.session, models.PaymentMethod, method_id, company_ids=scope, noun="PaymentMethod"
        )
        errors = payment_method_errors(input)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.PaymentMethod, row)
    method = from_row(PaymentMethod, row) if row else None
    return PaymentMethodPayload(payment_method=method, errors=errors)
