"""Client (a business partner with the CLIENT role) and its addresses."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import graph, models
from graphql_schema.companies.types import Company
from graphql_schema.connection import Connection, child_connection
from graphql_schema.enums import PartnerRoleEnum
from graphql_schema.linked import follow
from graphql_schema.rows import RowNode, from_rows

if TYPE_CHECKING:  # the classes themselves; Strawberry resolves the lazy names at run time
    from graphql_schema.orders.quick_orders import QuickOrderSuggestion
    from graphql_schema.orders.types import Order
else:
    Order = Annotated["Order", strawberry.lazy("graphql_schema.orders.types")]
    QuickOrderSuggestion = Annotated[
        "QuickOrderSuggestion", strawberry.lazy("graphql_schema.orders.quick_orders")
    ]


@strawberry.type(description="A postal address of a business partner.")
class Address(RowNode):
    model = models.Address

    id: relay.NodeID[int]
    external_id: str | None
    label: str | None
    address_line: str
    city: str | None
    region: str | None
    zip_code: str | None
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    is_shipping: bool = strawberry.field(description="Orders may ship to this address.")
    is_billing: bool = strawberry.field(description="Orders may be billed to this address.")


@strawberry.interface(description="Fields every business partner has, client or agent.")
class Partner:
    code: str = strawberry.field(description="Partner code, unique per company.")
    external_id: str | None = strawberry.field(description="The partner's id in the ERP.")
    roles: list[PartnerRoleEnum]
    tax_id: str | None = strawberry.field(description="DNI / RUC or other tax id.")
    name: str
    email: str | None
    phone: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    company_id: strawberry.Private[int]

    @strawberry.field(description="The company this partner belongs to.")
    async def company(self, info: Info) -> Company:
        company = await follow(info, Company, graph.PARTNER_COMPANY, self)
        assert company is not None  # a partner in scope has its company in scope
        return company


@strawberry.type(description="A business partner with the CLIENT role: the buyer on orders.")
class Client(RowNode, Partner):
    model = models.Partner

    id: relay.NodeID[int]
    store_code: str | None
    route_code: str | None

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        return PartnerRole.CLIENT.value in row.roles

    @strawberry.field(description="The client's addresses, shipping and billing.")
    async def addresses(self, info: Info) -> list[Address]:
        rows = await info.context.loaders.children(graph.ADDRESSES).load(self.id)
        return from_rows(Address, rows)

    @strawberry.field(description="The client's orders, newest first.")
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Order]:
        from graphql_schema.orders.types import Order as OrderType  # the two types cycle

        return await child_connection(
            info, OrderType, graph.CLIENT_ORDERS, self.id,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(description="Products suggested for a quick re-order, by rank.")
    async def quick_order_suggestions(self, info: Info) -> list[QuickOrderSuggestion]:
        from graphql_schema.orders.quick_orders import QuickOrderSuggestion as Suggestion

        rows = await info.context.loaders.children(graph.QUICK_ORDER_SUGGESTIONS).load(self.id)
        return from_rows(Suggestion, rows)
