"""Inputs of the order mutations. Money is Decimal (sent as a string), dates ISO 8601."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from graphql_schema.enums import CancellationReasonEnum, OrderTypeEnum


@strawberry.input(description="A discount rate; discounts apply in the order given.")
class DiscountInput:
    rate: Decimal = strawberry.field(description="Fraction taken off: 0.10 is 10 %.")
    type_code: str | None = None
    type_name: str | None = None
    external_id: str | None = None


@strawberry.input(description="One product line.")
class OrderLineInput:
    product_id: relay.GlobalID
    quantity: int = strawberry.field(description="Units ordered; greater than 0.")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="Price per unit; the product's list price when omitted."
    )
    units: int | None = strawberry.field(
        default=None, description="Units per package; the product's when omitted."
    )
    discounts: list[DiscountInput] = strawberry.field(default_factory=list)
    estimated_delivery_on: date | None = None
    observations: str | None = None
    external_id: str | None = None


@strawberry.input(description="A new order. Totals are computed; amounts sent are checked.")
class CreateOrderInput:
    company_id: relay.GlobalID
    number: str = strawberry.field(description="Order number [codigo], unique per company.")
    series: str | None = strawberry.field(default=None, description="Unique per company.")
    client_id: relay.GlobalID = strawberry.field(description="A partner with the CLIENT role.")
    agent_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A partner with the REPRESENTATIVE role."
    )
    season_id: relay.GlobalID | None = None
    payment_method_id: relay.GlobalID | None = None
    shipping_address_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of the client's addresses flagged for shipping."
    )
    billing_address_id: relay.GlobalID | None = strawberry.field(
        default=None, description="One of the client's addresses flagged for billing."
    )
    type: OrderTypeEnum = OrderTypeEnum.DOMESTIC
    description: str | None = None
    destination: str | None = None
    observations: str | None = None
    ordered_at: datetime | None = strawberry.field(default=None, description="Defaults to now.")
    estimated_delivery_on: date | None = strawberry.field(
        default=None, description="Defaults to one week after the order date."
    )
    discounts: list[DiscountInput] = strawberry.field(
        default_factory=list, description="Header discounts, applied in sequence."
    )
    lines: list[OrderLineInput]
    shipping_amount: Decimal = Decimal("0")
    gross_amount: Decimal | None = strawberry.field(
        default=None, description="If sent, must match the computed amount within 0.01."
    )
    taxable_base: Decimal | None = None
    tax_amount: Decimal | None = None
    total_amount: Decimal | None = None
    external_id: str | None = None
    source: str | None = None


@strawberry.input(description="Changes to a PENDING order; absent fields keep their value.")
class UpdateOrderInput:
    id: relay.GlobalID
    version: int = strawberry.field(description="The version you read; a newer one conflicts.")
    agent_id: strawberry.Maybe[relay.GlobalID | None]
    season_id: strawberry.Maybe[relay.GlobalID | None]
    payment_method_id: strawberry.Maybe[relay.GlobalID | None]
    shipping_address_id: strawberry.Maybe[relay.GlobalID | None]
    billing_address_id: strawberry.Maybe[relay.GlobalID | None]
    description: strawberry.Maybe[str | None]
    destination: strawberry.Maybe[str | None]
    observations: strawberry.Maybe[str | None]
    estimated_delivery_on: strawberry.Maybe[date | None]
    # null is refused with a clear error (absent keeps them); typed nullable so it reaches us
    discounts: strawberry.Maybe[list[DiscountInput] | None] = strawberry.field(
        description="Replaces the header discounts; [] removes them all; null is refused."
    )
    lines: strawberry.Maybe[list[OrderLineInput] | None] = strawberry.field(
        description="Replaces every line; null is refused."
    )
    shipping_amount: strawberry.Maybe[Decimal | None] = strawberry.field(
        description="Replaces the shipping amount; null is refused."
    )


@strawberry.input(description="Which order, and optionally the version you read.")
class OrderRefInput:
    id: relay.GlobalID
    version: int | None = strawberry.field(
        default=None, description="When given, the change is refused if the order moved on."
    )


@strawberry.input(description="Confirm a PENDING order, or move a CONFIRMED order's date.")
class ConfirmOrderInput(OrderRefInput):
    estimated_delivery_on: date | None = strawberry.field(
        default=None, description="Estimated delivery date (YYYY-MM-DD)."
    )


@strawberry.input(description="Mark a CONFIRMED order as shipped.")
class ShipOrderInput(OrderRefInput):
    pass


@strawberry.input(description="Delete a PENDING or CANCELLED order.")
class DeleteOrderInput(OrderRefInput):
    pass


@strawberry.input(description="A product quantity, by product code and packaging.")
class MovedItemInput:
    product_code: str
    units: int | None = strawberry.field(
        default=None, description="Units per package; any packaging of the product when omitted."
    )
    quantity: int


@strawberry.input(description="Record a delivery: complete, or partial with the items delivered.")
class DeliverOrderInput(OrderRefInput):
    complete: bool = strawberry.field(
        default=False, description="Everything still pending was delivered."
    )
    delivered_on: date | None = strawberry.field(
        default=None, name="date", description="Delivery date (YYYY-MM-DD); today if omitted."
    )
    items: list[MovedItemInput] = strawberry.field(
        default_factory=list, description="For a partial delivery: what was delivered."
    )
    note: str | None = None


@strawberry.input(description="Record products coming back after delivery.")
class ReturnOrderItemsInput(OrderRefInput):
    returned_on: date | None = strawberry.field(
        default=None, name="date", description="Return date (YYYY-MM-DD); today if omitted."
    )
    items: list[MovedItemInput]
    note: str | None = None


@strawberry.input(description="Cancel an order that is not delivered yet.")
class CancelOrderInput(OrderRefInput):
    reason: CancellationReasonEnum
    note: str | None = None
