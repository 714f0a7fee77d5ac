"""createOrder: look up, check everything at once, check stock, write, record, answer."""

from app.context import AppContext, Info
from app.domain import money, new_order
from app.domain.errors import DomainError, DomainErrors, Invalid, NotFound, NotUnique
from app.domain.vocabulary import OrderEventKind, OrderStatus, OrderType
from db import models
from db.constraints import length_errors
from db.queries import order_events, order_writes
from graphql_schema.orders.inputs import CreateOrderInput
from graphql_schema.orders.payloads import OrderPayload
from resolvers.global_ids import optional_input_id
from resolvers.orders.locking import order_payload, utc_now
from resolvers.orders.parties import check_parties
from resolvers.orders.pricing import order_amounts, price_lines
from resolvers.orders.stock import ensure_available
from resolvers.outcome import in_transaction


async def create_order(info: Info, input: CreateOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(
        ctx.session, lambda: create(ctx, input), ctx.stock, needs_inventory=True
    )
    return order_payload(ctx, row, errors)


async def create(ctx: AppContext, input: CreateOrderInput) -> models.Order:
    """Free of GraphQL payloads, so batch and import can run it per item."""
    errors: list[DomainError] = []
    company_id = optional_input_id(input.company_id, "Company", ("company_id",), errors)
    company = None
    if company_id is not None:
        company = await ctx.loaders.by_id(models.Company).load(company_id)
        if company is None:
            errors.append(NotFound("no company with this id", path=("company_id",)))
    # without a company, only what does not depend on it is checked: the lines, the texts
    parties = (
        await check_parties(ctx, input, company_id=company.id, errors=errors) if company else {}
    )
    priced = await price_lines(
        ctx,
        company_id=company.id if company else None,
        tax_rate=company.tax_rate if company else money.ZERO,  # nothing is priced without one
        lines=input.lines,
        discounts=input.discounts,
        shipping=input.shipping_amount,
        errors=errors,
    )
    errors.extend(length_errors(models.Order, input, _TEXTS))
    if not input.number.strip():
        errors.append(Invalid("an order needs a number", path=("number",)))
    if company is not None:
        errors.extend(await _taken_numbers(ctx, input, company.id))
    if priced is not None:
        sent = {name: getattr(input, name) for name in _SENT_AMOUNTS}
        errors.extend(new_order.sent_amount_errors(sent, priced.totals))
    if errors or priced is None or company is None:
        raise DomainErrors(errors)
    await ensure_available(ctx, priced.stock_lines)
    ordered_at = input.ordered_at or utc_now()
    order = models.Order(
        company_id=company.id,
        number=input.number,
        series=input.series,
        external_id=input.external_id,
        source=input.source,
        description=input.description,
        type=OrderType(input.type),
        destination=input.destination,
        observations=new_order.observations_for(OrderType(input.type), input.observations),
        status=OrderStatus.PENDING,
        ordered_at=ordered_at,
        estimated_delivery_on=input.estimated_delivery_on
        or new_order.default_estimated_delivery(ordered_at),
        currency=company.currency,
        tax_rate=company.tax_rate,
        created_by=ctx.principal.key_id,
        updated_by=ctx.principal.key_id,
        **parties,
        **order_amounts(priced.totals, priced.lines),
    )
    ctx.session.add(order)
    await ctx.session.flush()
    await order_writes.insert_lines(ctx.session, order, priced.lines, priced.line_discounts)
    await order_writes.insert_header_discounts(ctx.session, order, priced.header_discounts)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.CREATED,
        before=None,
        actor=ctx.principal.key_id,
        details={"total": str(order.total_amount), "lines": len(priced.lines)},
    )
    await ctx.session.refresh(order)
    return order


_SENT_AMOUNTS = ("gross_amount", "taxable_base", "tax_amount", "total_amount")
_TEXTS = ("number", "series", "destination", "external_id", "source")


async def _taken_numbers(
    ctx: AppContext, input: CreateOrderInput, company_id: int
) -> list[DomainError]:
    errors: list[DomainError] = []
    for column in ("number", "series"):
        value = getattr(input, column)
        if value is not None and await order_writes.number_taken(
            ctx.session, company_id=company_id, column=column, value=value, exclude_id=None
        ):
            errors.append(
                NotUnique(f"the company already has an order with {column} {value}", path=(column,))
            )
    return errors
