"""Client (a business partner with the CLIENT role) and its addresses."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import graph, models
from graphql_schema.companies.types import Company
from graphql_schema.enums import PartnerRoleEnum
from graphql_schema.linked import linked
from graphql_schema.rows import RowNode

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

    # a partner in scope has its company in scope
    company = linked(
        graph.PARTNER_COMPANY,
        Company,
        description="The company this partner belongs to.",
        required=True,
    )


@strawberry.type(description="A business partner with the CLIENT role: the buyer on orders.")
class Client(RowNode, Partner):
    model = models.Partner

    id: relay.NodeID[int]
    store_code: str | None
    route_code: str | None

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        return PartnerRole.CLIENT.value in row.roles

    addresses = linked(
        graph.ADDRESSES, Address, description="The client's addresses, shipping and billing."
    )
    orders = linked(graph.CLIENT_ORDERS, Order, description="The client's orders, newest first.")
    quick_order_suggestions = linked(
        graph.QUICK_ORDER_SUGGESTIONS,
        QuickOrderSuggestion,
        description="Products suggested for a quick re-order, by rank.",
    )
