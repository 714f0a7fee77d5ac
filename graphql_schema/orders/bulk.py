"""Inputs and payloads of the bulk order mutations: bulkImportOrders and batchUpdateOrders."""

from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry import relay

from app.context import Info
from app.domain.imports import MAX_ITEMS, ImportOutcome
from db import models
from graphql_schema.enums import CancellationReasonEnum, OrderStatusEnum, OrderTypeEnum
from graphql_schema.errors import UserError
from graphql_schema.linked import load_one
from graphql_schema.machinery.library_internals import (
    InputContext,
    LazyType,
    StrawberryList,
    StrawberryOptional,
    definition_of,
    has_object_definition,
)
from graphql_schema.orders.inputs import (
    CancelOrderInput,
    ConfirmOrderInput,
    DeliverOrderInput,
    DiscountInput,
    ReturnOrderItemsInput,
)
from graphql_schema.orders.types import Order

_DATE = "YYYY-MM-DD (midnight UTC) or an ISO 8601 date-time with its zone."
T = TypeVar("T")


def built_in_bulk(cls: type[T]) -> type[T]:
    """Let an input type build itself from the value graphql-core has already coerced.

    Strawberry converts inputs field by field (some 15 µs a field), and 1,000 imported orders
    carry about 100,000 fields. Scalars and enums come out of graphql-core as their Python
    values, so they are taken as they are; nested inputs and global ids still go through
    Strawberry's own conversion. `from_input` is Strawberry's hook for types that build
    their own values.
    """
    definition = definition_of(cls)
    converted: dict[str, tuple[str, Any]] = {}

    def build(type_: type[T], value: Mapping[str, Any], context: InputContext) -> T:
        if not converted:
            for field in definition.fields:
                field_type = field.resolve_type(type_definition=definition)
                name = context.config.name_converter.from_field(field)
                converted[name] = (field.python_name, field_type if _nested(field_type) else None)
        kwargs = {}
        for name, item in value.items():
            python_name, nested = converted[name]
            keep = nested is None or item is None
            kwargs[python_name] = item if keep else context.convert(item, nested, name)
        return type_(**kwargs)

    definition.from_input = build
    return cls


def _nested(field_type: Any) -> bool:
    while isinstance(field_type, StrawberryOptional | StrawberryList):
        field_type = field_type.of_type
    return (
        has_object_definition(field_type)
        or field_type is relay.GlobalID
        or isinstance(field_type, LazyType)
    )


@built_in_bulk
@strawberry.input(description="One line of an imported order; the product is named by its code.")
class ImportOrderLineInput:
    product_code: str = strawberry.field(
        description="The product's code in the order's company [productCode]."
    )
    quantity: int = strawberry.field(description="Units ordered; from 1.")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="Price per unit; the product's list price when omitted."
    )
    units: int | None = strawberry.field(
        default=None, description="Units per package; the product's when omitted."
    )
    delivered_quantity: int | None = strawberry.field(
        default=None,
        description="Units already delivered, as history (no stock moves). Left out: all of them"
        " on a DELIVERED order, none otherwise. Only PARTIALLY_DELIVERED, DELIVERED and CANCELLED"
        " orders may have deliveries.",
    )
    discounts: list[DiscountInput] = strawberry.field(
        default_factory=list, description="Line discounts, applied in sequence."
    )
    estimated_delivery_on: str | None = strawberry.field(
        default=None, description="The line's estimated delivery date, YYYY-MM-DD."
    )
    observations: str | None = None
    external_id: str | None = strawberry.field(
        default=None, description="The line's id in the source system."
    )


@built_in_bulk
@strawberry.input(
    description="An order as another system (an ERP) holds it, identified by company, source and"
    " external id. References are by code, so no global ids need to be looked up first. Dates are"
    " text, so that one malformed date fails only its own order."
)
class ImportOrderInput:
    company_code: str = strawberry.field(description="The receiving company's code.")
    source: str = strawberry.field(description="The system the order comes from, e.g. ERP.")
    external_id: str = strawberry.field(
        description="The order's id in that system; with company and source, its identity here."
    )
    number: str | None = strawberry.field(
        default=None,
        description="Order number [codigo], unique per company; the external id when omitted.",
    )
    series: str | None = strawberry.field(default=None, description="Unique per company.")
    client_code: str | None = strawberry.field(
        default=None,
        description="The client's code (a CLIENT partner of the company); it wins when"
        " clientExternalId is sent too.",
    )
    client_external_id: str | None = strawberry.field(
        default=None, description="The client's external id [idRemote]; or send clientCode."
    )
    agent_code: str | None = strawberry.field(
        default=None, description="Code of the sales representative (REPRESENTATIVE role)."
    )
    season_code: str | None = strawberry.field(
        default=None, description="Code of the selling season [temporada], if any."
    )
    payment_method_code: str | None = strawberry.field(
        default=None, description="Code of the payment method [formaPago], if any."
    )
    shipping_address_external_id: str | None = strawberry.field(
        default=None, description="External id of one of the client's shipping addresses."
    )
    billing_address_external_id: str | None = strawberry.field(
        default=None, description="External id of one of the client's billing addresses."
    )
    status: OrderStatusEnum = strawberry.field(
        default=OrderStatusEnum.PENDING,
        description="Taken as history: no transition is checked and no stock moves; the lines'"
        " deliveredQuantity must agree with it.",
    )
    status_remote_id: str | None = strawberry.field(
        default=None,
        description="The status by the company's own remote id (setStatusMapping); it wins"
        " over status when sent.",
    )
    type: OrderTypeEnum = strawberry.field(
        default=OrderTypeEnum.DOMESTIC,
        description="INTERNATIONAL orders get the customs note in their observations.",
    )
    description: str | None = None
    destination: str | None = None
    observations: str | None = None
    ordered_at: str = strawberry.field(description=f"When it was ordered [createdAt]: {_DATE}")
    estimated_delivery_on: str | None = strawberry.field(
        default=None, description="YYYY-MM-DD; one week after the order date when omitted."
    )
    confirmed_at: str | None = strawberry.field(default=None, description=_DATE)
    shipped_at: str | None = strawberry.field(default=None, description=_DATE)
    delivered_at: str | None = strawberry.field(default=None, description=_DATE)
    cancelled_at: str | None = strawberry.field(default=None, description=_DATE)
    cancellation_reason: CancellationReasonEnum | None = strawberry.field(
        default=None, description="For a CANCELLED order; OTHER when omitted."
    )
    cancellation_note: str | None = None
    discounts: list[DiscountInput] = strawberry.field(
        default_factory=list, description="Header discounts, applied in sequence."
    )
    lines: list[ImportOrderLineInput] = strawberry.field(
        description="Every line of the order; on a re-import they replace the stored ones."
    )
    shipping_amount: Decimal = strawberry.field(
        default=Decimal("0"), description="Shipping charged; not taxed. Totals are computed."
    )
    gross_amount: Decimal | None = strawberry.field(
        default=None, description="If sent, must match the computed amount within 0.01."
    )
    taxable_base: Decimal | None = strawberry.field(default=None, description="Checked if sent.")
    tax_amount: Decimal | None = strawberry.field(default=None, description="Checked if sent.")
    total_amount: Decimal | None = strawberry.field(default=None, description="Checked if sent.")


@strawberry.input(description=f"Up to {MAX_ITEMS} orders to import in one call.")
class BulkImportOrdersInput:
    orders: list[ImportOrderInput] = strawberry.field(
        description="Each is created, updated or left unchanged on its own: a refused order"
        " changes nothing and does not stop the others. An external id may appear once per call."
    )


ImportOutcomeEnum = ImportOutcome  # registered as is (strawberry.enum returns the class)
strawberry.enum(
    ImportOutcomeEnum,
    name="ImportOutcome",
    description="What an import did with one order: CREATED, UPDATED (its content differed;"
    " lines replaced), UNCHANGED (same content as stored: nothing written), or FAILED (see"
    " errors; nothing written for it).",
)


@strawberry.type(description="What happened to one order of a bulkImportOrders call.")
class ImportOrderResult:
    index: int = strawberry.field(description="Position of the order in input.orders, from 0.")
    source: str
    external_id: str
    status: ImportOutcomeEnum
    changed_fields: list[str] = strawberry.field(
        description="For UPDATED: which of the order's fields changed, e.g. status, lines."
    )
    errors: list[UserError] = strawberry.field(
        description="For FAILED: each problem, with its input path, e.g."
        " orders.3.lines.1.productCode."
    )
    order_id: strawberry.Private[int | None]

    @strawberry.field(description="The order as stored after the call; null when FAILED.")
    async def order(self, info: Info) -> Order | None:
        return await load_one(info, Order, models.Order, self.order_id)


@strawberry.type(description="Results per outcome.")
class ImportCounts:
    created: int
    updated: int
    unchanged: int
    failed: int


@strawberry.type(description="The outcome of a bulk import: one result per order sent, in order.")
class BulkImportOrdersPayload:
    results: list[ImportOrderResult] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the call as a whole (path `orders`): then nothing is imported.",
    )

    @strawberry.field(description="How many results have each outcome.")
    def counts(self) -> ImportCounts:
        found = [result.status for result in self.results]
        return ImportCounts(**{str(each).lower(): found.count(each) for each in ImportOutcome})


@strawberry.input(
    description=f"Lifecycle changes to many orders: up to {MAX_ITEMS} items in all. The lists run"
    " in this order (confirm, deliver, return, cancel), each item in its own transaction, exactly"
    " as the single mutation would run it."
)
class BatchUpdateOrdersInput:
    confirm: list[ConfirmOrderInput] = strawberry.field(
        default_factory=list, description="As confirmOrder: reserves stock."
    )
    deliver: list[DeliverOrderInput] = strawberry.field(
        default_factory=list, description="As deliverOrder: complete or partial deliveries."
    )
    return_: list[ReturnOrderItemsInput] = strawberry.field(
        default_factory=list, name="return", description="As returnOrderItems."
    )
    cancel: list[CancelOrderInput] = strawberry.field(
        default_factory=list, description="As cancelOrder: releases undelivered stock."
    )


@strawberry.enum(description="Which list of batchUpdateOrders an item came from.")
class BatchAction(Enum):
    CONFIRM = "confirm"
    DELIVER = "deliver"
    RETURN = "return"
    CANCEL = "cancel"


@strawberry.type(description="What happened to one item of a batchUpdateOrders call.")
class BatchOrderResult:
    action: BatchAction
    index: int = strawberry.field(description="Position of the item in its list, from 0.")
    id: relay.GlobalID = strawberry.field(description="The order id the item named.")
    order: Order | None = strawberry.field(
        description="The order after the change; null if refused."
    )
    errors: list[UserError] = strawberry.field(
        description="Why it was refused (nothing changed for it), with paths from the input's root,"
        " e.g. deliver.2.items.0.quantity."
    )


@strawberry.type(description="One result per item, in the order the items ran.")
class BatchUpdateOrdersPayload:
    results: list[BatchOrderResult] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the call as a whole (no item or too many): then nothing ran.",
    )
