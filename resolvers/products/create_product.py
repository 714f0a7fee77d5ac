"""createProduct: check everything at once, insert, answer."""

from app.context import Info
from app.domain.catalog import product_errors
from db import models
from db.queries.codes import save_checked
from graphql_schema.products.inputs import CreateProductInput, ProductPayload
from graphql_schema.products.types import Product
from graphql_schema.rows import from_row
from resolvers.global_ids import optional_input_id
from resolvers.outcome import in_transaction

FIELDS = (
    "code",
    "internal_code",
    "name",
    "units_per_package",
    "list_price",
    "active",
    "external_id",
)


async def create_product(info: Info, input: CreateProductInput) -> ProductPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.Product:
        errors = product_errors(input)
        company_id = optional_input_id(input.company_id, "Company", ("company_id",), errors)
        row = models.Product(company_id=company_id)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    return ProductPayload(product=from_row(Product, row) if row else None, errors=errors)
