"""The domain's enums as GraphQL enums, mirrored 1:1 so the two can never drift."""

import strawberry

from app.domain.vocabulary import (
    CancellationReason,
    LineStatus,
    OrderEventKind,
    OrderStatus,
    OrderType,
    PartnerRole,
)

OrderStatusEnum = strawberry.enum(
    OrderStatus, name="OrderStatus", description="Where an order is in its lifecycle."
)
OrderTypeEnum = strawberry.enum(
    OrderType,
    name="OrderType",
    description="DOMESTIC ships within the country; INTERNATIONAL gets a customs note.",
)
LineStatusEnum = strawberry.enum(LineStatus, name="LineStatus", description="A line's delivery.")
CancellationReasonEnum = strawberry.enum(
    CancellationReason, name="CancellationReason", description="Why an order was cancelled."
)
PartnerRoleEnum = strawberry.enum(
    PartnerRole, name="PartnerRole", description="What a business partner is to the company."
)
OrderEventKindEnum = strawberry.enum(
    OrderEventKind, name="OrderEventKind", description="What happened to an order."
)
