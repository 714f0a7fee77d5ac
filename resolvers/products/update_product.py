"""updateProduct: lock, check everything at once, change, answer; omitted fields stay."""

from app.context import Info
from app.domain.catalog import product_errors
from db import models
from db.queries.codes import lock_in_scope, save_checked
from graphql_schema.products.inputs import ProductPayload, UpdateProductInput
from graphql_schema.products.types import Product
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction
from resolvers.products.create_product import FIELDS


async def update_product(info: Info, input: UpdateProductInput) -> ProductPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.Product:
        product_id = input_id(input.id, "Product", ("id",))
        row = await lock_in_scope(
            ctx.session, models.Product, product_id, company_ids=scope, noun="Product"
        )
        errors = product_errors(input)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.Product, row)
    return ProductPayload(product=from_row(Product, row) if row else None, errors=errors)
