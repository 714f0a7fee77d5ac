"""Lines and discounts from input to rows and totals: shared by createOrder and updateOrder."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.context import AppContext
from app.domain import money
from app.domain.errors import DomainError, LimitExceeded
from app.domain.imports import under
from app.domain.new_order import (
    MAX_LINES,
    LineRequest,
    line_errors,
    price_errors,
    stored_amount_errors,
)
from app.domain.stock import StockLine
from db import models
from db.constraints import length_errors
from graphql_schema.orders.inputs import DiscountInput, OrderLineInput
from resolvers.global_ids import id_of


@dataclass(frozen=True, slots=True)
class PricedLines:
    """Everything needed to write the lines and the order's amounts."""

    lines: list[dict[str, Any]]
    line_discounts: list[list[dict[str, Any]]]
    header_discounts: list[dict[str, Any]]
    totals: money.Totals
    stock_lines: list[StockLine]


async def price_lines(
    ctx: AppContext,
    *,
    company_id: int | None,
    tax_rate: Decimal,
    lines: Sequence[OrderLineInput],
    discounts: Sequence[DiscountInput],
    shipping: Decimal,
    errors: list[DomainError],
) -> PricedLines | None:
    """Look the products up, check every line, and compute the amounts at `tax_rate`.

    Problems are added to `errors`; None when there were any here. Problems found before by the
    caller (parties, say) do not stop the pricing, so the totals can still be checked. Without a
    company (an unknown company id), the lines are checked for what does not need it, no more.
    """
    if len(lines) > MAX_LINES:  # before any lookup: a huge list costs nothing to refuse
        errors.append(LimitExceeded(f"at most {MAX_LINES} lines per order", path=("lines",)))
        return None
    own = _text_errors(lines, discounts)
    # an unknown or malformed product id is reported once, by line_errors below
    product_ids = [id_of(line.product_id, "Product") for line in lines]
    found = await ctx.loaders.by_id(models.Product).load_many([pid or 0 for pid in product_ids])
    requests = [
        LineRequest(
            product_id=product.id if product else None,
            product_company_id=product.company_id if product else None,
            quantity=line.quantity,
            unit_price=_price(line, product),
            discount_rates=[d.rate for d in line.discounts],
            units=line.units,
        )
        for line, product in zip(lines, found, strict=True)
    ]
    own.extend(line_errors(requests, company_id=company_id))
    own.extend(money.rate_errors([d.rate for d in discounts], ("discounts",)))
    own.extend(price_errors(shipping, ("shipping_amount",)))
    if own or company_id is None:
        errors.extend(own)
        return None
    amounts = [money.line_amounts(r.quantity, r.unit_price, r.discount_rates) for r in requests]
    totals = money.compute_totals(
        [a.net for a in amounts],
        [d.rate for d in discounts],
        tax_rate=tax_rate,
        shipping=shipping,
    )
    too_large = stored_amount_errors([a.gross for a in amounts], totals)
    if too_large:
        errors.extend(too_large)
        return None
    return PricedLines(
        lines=[
            _line_row(line, product, request, amount)
            for line, product, request, amount in zip(lines, found, requests, amounts, strict=True)
        ],
        line_discounts=[
            discount_rows(line.discounts, amount.discount_steps)
            for line, amount in zip(lines, amounts, strict=True)
        ],
        header_discounts=discount_rows(discounts, totals.discount_steps),
        totals=totals,
        stock_lines=[
            StockLine(product_id=product.id, product_code=product.code, quantity=line.quantity)
            for line, product in zip(lines, found, strict=True)
        ],
    )


def order_amounts(totals: money.Totals, lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The order columns that follow from its lines."""
    return {
        "gross_amount": totals.gross,
        "discount_amount": totals.discount,
        "taxable_base": totals.taxable_base,
        "tax_amount": totals.tax,
        "shipping_amount": totals.shipping,
        "total_amount": totals.total,
        "total_quantity": sum(line["quantity"] for line in lines),
    }


def _text_errors(
    lines: Sequence[OrderLineInput], discounts: Sequence[DiscountInput]
) -> list[DomainError]:
    """Texts longer than their columns, checked against the tables themselves."""
    errors: list[DomainError] = []
    for i, line in enumerate(lines):
        errors += under(("lines", i), length_errors(models.OrderLine, line, _LINE_TEXTS))
        for j, discount in enumerate(line.discounts):
            found = length_errors(models.Discount, discount, _DISCOUNT_TEXTS)
            errors += under(("lines", i, "discounts", j), found)
    for j, discount in enumerate(discounts):
        found = length_errors(models.Discount, discount, _DISCOUNT_TEXTS)
        errors += under(("discounts", j), found)
    return errors


_LINE_TEXTS = ("external_id",)
_DISCOUNT_TEXTS = ("type_code", "type_name", "external_id")


def _price(line: OrderLineInput, product: models.Product | None) -> Decimal:
    if line.unit_price is not None:
        return line.unit_price
    return product.list_price if product else Decimal("0")


def _line_row(
    line: OrderLineInput,
    product: models.Product,
    request: LineRequest,
    amount: money.LineAmounts,
) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "units": line.units or product.units_per_package,
        "quantity": line.quantity,
        "unit_price": request.unit_price,
        "gross_amount": amount.gross,
        "discount_amount": amount.discount,
        "amount": amount.net,
        "estimated_delivery_on": line.estimated_delivery_on,
        "observations": line.observations,
        "external_id": line.external_id,
    }


def discount_rows(
    discounts: Sequence[DiscountInput], steps: Sequence[Decimal]
) -> list[dict[str, Any]]:
    return [
        {
            "sequence": sequence,
            "rate": discount.rate,
            "amount": step,
            "type_code": discount.type_code,
            "type_name": discount.type_name,
            "external_id": discount.external_id,
        }
        for sequence, (discount, step) in enumerate(zip(discounts, steps, strict=True), start=1)
    ]
