"""setStockLevel: a stock count, through the same guarded port as every order change."""

from app.context import AppContext, Info
from app.domain.errors import Invalid, NotFound
from app.domain.stock import InsufficientStock
from db import models
from graphql_schema.inventory.inputs import SetStockLevelInput, StockLevelPayload
from graphql_schema.products.types import Product
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction


async def set_stock_level(info: Info, input: SetStockLevelInput) -> StockLevelPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: count(ctx, input), ctx.stock)
    return StockLevelPayload(product=from_row(Product, row) if row else None, errors=errors)


async def count(ctx: AppContext, input: SetStockLevelInput) -> models.Product:
    product = await ctx.loaders.by_id(models.Product).load(
        input_id(input.product_id, "Product", ("product_id",))
    )
    if product is None:
        raise NotFound("no product with this id", path=("product_id",))
    if input.on_hand < 0:
        raise Invalid("must not be negative", path=("on_hand",))
    try:
        await ctx.stock.set_on_hand(product.id, input.on_hand)
    except InsufficientStock as refusal:
        reserved = refusal.shortages[0].requested
        raise Invalid(f"{reserved} units are reserved by orders", path=("on_hand",)) from None
    return product
