"""How order changes move stock: check on create, reserve on confirm, and refusals as errors."""

from collections.abc import Awaitable, Callable, Sequence

from app.context import AppContext
from app.domain.errors import DomainErrors, InputPath
from app.domain.stock import (
    InsufficientStock,
    StockLine,
    out_of_stock_errors,
    requested_per_product,
    shortages,
)
from db import models
from db.queries import order_writes


async def ensure_available(ctx: AppContext, lines: Sequence[StockLine]) -> None:
    """One batched availability call for all lines; OUT_OF_STOCK names each short product."""
    requested = requested_per_product(lines)
    available = await ctx.stock.available(requested.keys())
    short = shortages(requested, available)
    if short:
        raise DomainErrors(out_of_stock_errors(lines, short))


async def reserve_for(ctx: AppContext, order: models.Order) -> None:
    """Hold the order's stock; the key makes a retried confirm reserve only once."""
    lines = await stock_lines_of(ctx, order)
    requested = requested_per_product(lines)
    await refusing_shortages(
        lambda: ctx.stock.reserve(movement_key("reserve", order), order.id, requested),
        lines,
        path=("id",),
    )


async def refusing_shortages(
    operation: Callable[[], Awaitable[None]], lines: Sequence[StockLine], *, path: InputPath
) -> None:
    """Run a stock movement; an InsufficientStock answer becomes OUT_OF_STOCK errors."""
    try:
        await operation()
    except InsufficientStock as refusal:
        raise DomainErrors(out_of_stock_errors(lines, refusal.shortages, path=path)) from None


def movement_key(kind: str, order: models.Order) -> str:
    """One key per change of the order: a retry of the same change (same version) reuses it.

    Taken before touch() moves the version. A rolled-back attempt leaves the version as it was,
    so its retry cannot move the stock a second time.
    """
    return f"{kind}:order:{order.id}:v{order.version}"


async def stock_lines_of(ctx: AppContext, order: models.Order) -> list[StockLine]:
    """What the order's lines ask of the stock."""
    lines = await order_writes.lines_of(ctx.session, order.id)
    codes = await order_writes.product_codes(ctx.session, {line.product_id for line in lines})
    return [StockLine(line.product_id, codes[line.product_id], line.quantity) for line in lines]
