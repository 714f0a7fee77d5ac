"""updateOrder: only while PENDING, only at the version the client read; lines are replaced."""

from typing import Any

from strawberry import Some, relay

from app.context import AppContext, Info
from app.domain.errors import DomainError, DomainErrors, Invalid
from app.domain.lifecycle import Action, ensure_allowed
from app.domain.vocabulary import OrderEventKind
from db import models
from db.constraints import length_errors
from db.queries import order_events, order_writes
from db.queries.order_writes import touch
from graphql_schema.errors import input_path
from graphql_schema.orders.inputs import (
    DiscountInput,
    OrderLineInput,
    OrderRefInput,
    UpdateOrderInput,
)
from graphql_schema.orders.payloads import OrderPayload
from resolvers.orders.locking import locked_order, order_payload
from resolvers.orders.parties import check_parties
from resolvers.orders.pricing import order_amounts, price_lines
from resolvers.orders.stock import ensure_available
from resolvers.outcome import in_transaction

_PLAIN = ("description", "destination", "observations", "estimated_delivery_on")
_NOT_NULL = ("lines", "discounts", "shipping_amount")
_LINKS = ("agent_id", "season_id", "payment_method_id", "shipping_address_id", "billing_address_id")


async def update_order(info: Info, input: UpdateOrderInput) -> OrderPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: update(ctx, input), ctx.stock)
    return order_payload(ctx, row, errors)


async def update(ctx: AppContext, input: UpdateOrderInput) -> models.Order:
    order = await locked_order(ctx, OrderRefInput(id=input.id, version=input.version))
    ensure_allowed(Action.UPDATE, order.status)
    changed = [name for name in (*_PLAIN, *_LINKS, "lines", "discounts", "shipping_amount")
               if getattr(input, name) is not None]  # fmt: skip
    nulls: list[DomainError] = [
        Invalid("cannot be null; leave it out to keep the current value", path=(name,))
        for name in _NOT_NULL
        if isinstance(getattr(input, name), Some) and getattr(input, name).value is None
    ]
    errors = [*nulls, *length_errors(models.Order, _Given(input), ("destination",))]
    links = await check_parties(
        ctx, _Parties(order, input), company_id=order.company_id, errors=errors
    )
    if not nulls and any(name in changed for name in _NOT_NULL):
        await _reprice(ctx, order, input, errors)
    if errors:
        raise DomainErrors(errors)
    for name in _PLAIN:
        value = getattr(input, name)
        if isinstance(value, Some):
            setattr(order, name, value.value)
    for name in _LINKS:
        setattr(order, name, links[name])
    touch(order, ctx.principal.key_id)
    await order_events.append(
        ctx.session,
        order,
        OrderEventKind.UPDATED,
        before=order.status,
        actor=ctx.principal.key_id,
        details={"changed": [input_path((name,)) for name in changed]},
    )
    await ctx.session.refresh(order)
    return order


async def _reprice(
    ctx: AppContext, order: models.Order, input: UpdateOrderInput, errors: list[DomainError]
) -> None:
    """New lines (or discounts, or shipping) mean new totals; old lines are replaced whole.

    Tax is at the order's own rate, the one it was created with: a change of the company's rate
    applies to new orders, not to the price of one already agreed (nor to its taxRate field).
    """
    lines = _given(input.lines)
    if lines is None:
        lines = await _current_lines(ctx, order)
    discounts = _given(input.discounts)
    if discounts is None:
        discounts = await _current_discounts(ctx, order)
    shipping = _given(input.shipping_amount)
    priced = await price_lines(
        ctx,
        company_id=order.company_id,
        tax_rate=order.tax_rate,
        lines=lines,
        discounts=discounts,
        shipping=order.shipping_amount if shipping is None else shipping,
        errors=errors,
    )
    if priced is None or errors:  # nothing to write, nor stock to ask for, when refused anyway
        return
    if input.lines is not None:
        await ensure_available(ctx, priced.stock_lines)
    await order_writes.delete_lines(ctx.session, order.id)
    await order_writes.insert_lines(ctx.session, order, priced.lines, priced.line_discounts)
    await order_writes.insert_header_discounts(ctx.session, order, priced.header_discounts)
    for name, value in order_amounts(priced.totals, priced.lines).items():
        setattr(order, name, value)


def _given(value: Any) -> Any:
    return value.value if isinstance(value, Some) else None


async def _current_lines(ctx: AppContext, order: models.Order) -> list[OrderLineInput]:
    """The stored lines, as input again, so that a discount change can reprice them."""
    rows = await order_writes.lines_of(ctx.session, order.id)
    discounts = await order_writes.discounts_of(ctx.session, order.id)
    return [
        OrderLineInput(
            product_id=relay.GlobalID("Product", str(row.product_id)),
            quantity=row.quantity,
            unit_price=row.unit_price,
            units=row.units,
            discounts=[_as_input(d) for d in discounts if d.order_line_id == row.id],
            estimated_delivery_on=row.estimated_delivery_on,
            observations=row.observations,
            external_id=row.external_id,
        )
        for row in rows
    ]


async def _current_discounts(ctx: AppContext, order: models.Order) -> list[DiscountInput]:
    discounts = await order_writes.discounts_of(ctx.session, order.id)
    return [_as_input(d) for d in discounts if d.order_line_id is None]


def _as_input(row: models.Discount) -> DiscountInput:
    return DiscountInput(
        rate=row.rate, type_code=row.type_code, type_name=row.type_name, external_id=row.external_id
    )


class _Given:
    """The input's values with Maybe unwrapped (absent reads as None), for field checks."""

    def __init__(self, input: UpdateOrderInput) -> None:
        self._input = input

    def __getattr__(self, name: str) -> Any:
        return _given(getattr(self._input, name))


class _Parties:
    """The order's links as they will be: given ones from the input, the rest as stored."""

    client_id: relay.GlobalID
    agent_id: relay.GlobalID | None
    season_id: relay.GlobalID | None
    payment_method_id: relay.GlobalID | None
    shipping_address_id: relay.GlobalID | None
    billing_address_id: relay.GlobalID | None

    def __init__(self, order: models.Order, input: UpdateOrderInput) -> None:
        types = {"agent_id": "Agent", "season_id": "Season", "payment_method_id": "PaymentMethod",
                 "shipping_address_id": "Address", "billing_address_id": "Address"}  # fmt: skip
        self.client_id = relay.GlobalID("Client", str(order.client_id))
        for name, node_type in types.items():
            given = getattr(input, name)
            if isinstance(given, Some):
                setattr(self, name, given.value)
            else:
                stored = getattr(order, name)
                setattr(
                    self, name, None if stored is None else relay.GlobalID(node_type, str(stored))
                )
