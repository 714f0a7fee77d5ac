"""The Order graph as clients see it. Anything that needs more rows goes through a loader."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from app.context import Info
from db import graph, models
from db.queries import sync_checkpoints
from graphql_schema.agents.types import Agent
from graphql_schema.clients.types import Address, Client
from graphql_schema.companies.types import Company
from graphql_schema.enums import (
    CancellationReasonEnum,
    LineStatusEnum,
    OrderStatusEnum,
    OrderTypeEnum,
)
from graphql_schema.linked import linked
from graphql_schema.orders.events import OrderEvent
from graphql_schema.orders.shipments import Delivery, Return
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.products.types import Product
from graphql_schema.rows import RowNode, from_rows
from graphql_schema.seasons.types import Season
from graphql_schema.sync.types import OrderSyncState


@strawberry.type(description="A discount rate, applied in sequence after the ones before it.")
class Discount:
    sequence: int = strawberry.field(description="Order of application, lowest first.")
    type_code: str | None
    type_name: str | None
    rate: Decimal = strawberry.field(description="Fraction taken off, e.g. 0.10 for 10 %.")
    amount: Decimal = strawberry.field(description="Money this discount took off.")
    external_id: str | None


@strawberry.type(description="One product line of an order.")
class OrderLine(RowNode):
    model = models.OrderLine

    id: relay.NodeID[int]
    position: int = strawberry.field(description="Line number, from 1, in entry order.")
    external_id: str | None
    units: int = strawberry.field(description="Units per package of the ordered display.")
    quantity: int
    unit_price: Decimal
    gross_amount: Decimal = strawberry.field(description="quantity x unitPrice.")
    discount_amount: Decimal
    amount: Decimal = strawberry.field(description="Line amount after line discounts.")
    status: LineStatusEnum
    delivered_quantity: int
    returned_quantity: int
    estimated_delivery_on: date | None
    observations: str | None
    pending_quantity: int = strawberry.field(description="Quantity still to deliver.")
    product_id: strawberry.Private[int]

    product = linked(graph.LINE_PRODUCT, Product)
    discounts = linked(
        graph.LINE_DISCOUNTS, Discount, description="Line discounts in the order they apply."
    )


@strawberry.type(description="A customer order and everything that happened to it.")
class Order(RowNode):
    model = models.Order

    id: relay.NodeID[int]
    number: str = strawberry.field(description="Order number [codigo], unique per company.")
    series: str | None = strawberry.field(description="Series [serie], unique per company.")
    external_id: str | None = strawberry.field(description="Id in the system it came from.")
    source: str | None = strawberry.field(description="System it came from, e.g. ERP.")
    description: str | None
    type: OrderTypeEnum
    destination: str | None
    status: OrderStatusEnum
    observations: str | None
    ordered_at: datetime
    estimated_delivery_on: date | None
    confirmed_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    cancellation_reason: CancellationReasonEnum | None
    cancellation_note: str | None
    currency: str
    tax_rate: Decimal
    gross_amount: Decimal = strawberry.field(description="Sum of line amounts.")
    discount_amount: Decimal = strawberry.field(description="Taken off by header discounts.")
    taxable_base: Decimal = strawberry.field(description="Base imponible: gross less discounts.")
    tax_amount: Decimal = strawberry.field(description="Tax (IGV) on the taxable base.")
    shipping_amount: Decimal
    total_amount: Decimal = strawberry.field(description="taxableBase + taxAmount + shipping.")
    total_quantity: int
    delivered_quantity: int
    returned_quantity: int
    created_by: str | None
    updated_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(description="Moves on every change; send it back to update.")
    pending_quantity: int = strawberry.field(description="Quantity not delivered yet.")
    company_id: strawberry.Private[int]
    client_id: strawberry.Private[int]
    agent_id: strawberry.Private[int | None]
    season_id: strawberry.Private[int | None]
    payment_method_id: strawberry.Private[int | None]
    shipping_address_id: strawberry.Private[int | None]
    billing_address_id: strawberry.Private[int | None]

    company = linked(graph.ORDER_COMPANY, Company)
    client = linked(graph.ORDER_CLIENT, Client)
    agent = linked(
        graph.ORDER_AGENT, Agent, description="The sales representative who took the order."
    )
    season = linked(graph.ORDER_SEASON, Season)
    payment_method = linked(graph.ORDER_PAYMENT_METHOD, PaymentMethod)
    shipping_address = linked(graph.ORDER_SHIPPING_ADDRESS, Address)
    billing_address = linked(graph.ORDER_BILLING_ADDRESS, Address)
    discounts = linked(
        graph.HEADER_DISCOUNTS,
        Discount,
        description="Header discounts, applied in sequence to the lines' sum.",
    )
    lines = linked(graph.ORDER_LINES, OrderLine, description="The order's lines in entry order.")
    deliveries = linked(graph.DELIVERIES, Delivery, description="Deliveries, oldest first.")
    returns = linked(graph.RETURNS, Return, description="Returns, oldest first.")
    events = linked(
        graph.ORDER_EVENTS, OrderEvent, description="The order's history in time order."
    )

    @strawberry.field(
        description="What each integration of your API key was sent of this order (see"
        " orderChanges), by integration name; empty when none was."
    )
    async def sync_state(self, info: Info) -> list[OrderSyncState]:
        ctx = info.context
        key_id = ctx.principal.key_id

        async def load(order_ids: list[int]) -> list[list[OrderSyncState]]:
            found = await sync_checkpoints.states_by_order_ids(
                ctx.session, order_ids, key_id=key_id
            )
            return [from_rows(OrderSyncState, found.get(i, [])) for i in order_ids]

        return await ctx.loaders.keyed("sync_states", load).load(self.id)
