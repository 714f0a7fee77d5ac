"""The Order graph as clients see it. Anything that needs more rows goes through a loader."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from app.context import Info
from db import graph, models
from graphql_schema.agents.types import Agent
from graphql_schema.clients.types import Address, Client
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection, child_connection
from graphql_schema.enums import (
    CancellationReasonEnum,
    LineStatusEnum,
    OrderStatusEnum,
    OrderTypeEnum,
)
from graphql_schema.linked import follow
from graphql_schema.orders.events import OrderEvent
from graphql_schema.orders.shipments import Delivery, Return
from graphql_schema.payment_methods.types import PaymentMethod
from graphql_schema.products.types import Product
from graphql_schema.rows import RowNode, from_rows
from graphql_schema.seasons.types import Season


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

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await follow(info, Product, graph.LINE_PRODUCT, self)

    @strawberry.field(description="Line discounts in the order they apply.")
    async def discounts(self, info: Info) -> list[Discount]:
        rows = await info.context.loaders.children(graph.LINE_DISCOUNTS).load(self.id)
        return from_rows(Discount, rows)


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

    @strawberry.field
    async def company(self, info: Info) -> Company | None:
        return await follow(info, Company, graph.ORDER_COMPANY, self)

    @strawberry.field
    async def client(self, info: Info) -> Client | None:
        return await follow(info, Client, graph.ORDER_CLIENT, self)

    @strawberry.field(description="The sales representative who took the order.")
    async def agent(self, info: Info) -> Agent | None:
        return await follow(info, Agent, graph.ORDER_AGENT, self)

    @strawberry.field
    async def season(self, info: Info) -> Season | None:
        return await follow(info, Season, graph.ORDER_SEASON, self)

    @strawberry.field
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        return await follow(info, PaymentMethod, graph.ORDER_PAYMENT_METHOD, self)

    @strawberry.field
    async def shipping_address(self, info: Info) -> Address | None:
        return await follow(info, Address, graph.ORDER_SHIPPING_ADDRESS, self)

    @strawberry.field
    async def billing_address(self, info: Info) -> Address | None:
        return await follow(info, Address, graph.ORDER_BILLING_ADDRESS, self)

    @strawberry.field(description="Header discounts, applied in sequence to the lines' sum.")
    async def discounts(self, info: Info) -> list[Discount]:
        rows = await info.context.loaders.children(graph.HEADER_DISCOUNTS).load(self.id)
        return from_rows(Discount, rows)

    @strawberry.field(description="The order's lines in entry order.")
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.children(graph.ORDER_LINES).load(self.id)
        return from_rows(OrderLine, rows)

    @strawberry.field(description="Deliveries, oldest first.")
    async def deliveries(self, info: Info) -> list[Delivery]:
        rows = await info.context.loaders.children(graph.DELIVERIES).load(self.id)
        return from_rows(Delivery, rows)

    @strawberry.field(description="Returns, oldest first.")
    async def returns(self, info: Info) -> list[Return]:
        rows = await info.context.loaders.children(graph.RETURNS).load(self.id)
        return from_rows(Return, rows)

    @strawberry.field(description="The order's history in time order.")
    async def events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OrderEvent]:
        return await child_connection(
            info, OrderEvent, graph.ORDER_EVENTS, self.id,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip
