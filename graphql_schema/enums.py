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

# strawberry.enum registers the domain class itself and returns it, so each alias is that very
# class: a plain alias is a type that mypy accepts in annotations, where a call's result is not
OrderStatusEnum = OrderStatus
strawberry.enum(
    OrderStatusEnum, name="OrderStatus", description="Where an order is in its lifecycle."
)
OrderTypeEnum = OrderType
strawberry.enum(
    OrderTypeEnum,
    name="OrderType",
    description="DOMESTIC ships within the country; INTERNATIONAL gets a customs note.",
)
LineStatusEnum = LineStatus
strawberry.enum(LineStatusEnum, name="LineStatus", description="A line's delivery.")
CancellationReasonEnum = CancellationReason
strawberry.enum(
    CancellationReasonEnum, name="CancellationReason", description="Why an order was cancelled."
)
PartnerRoleEnum = PartnerRole
strawberry.enum(
    PartnerRoleEnum, name="PartnerRole", description="What a business partner is to the company."
)
OrderEventKindEnum = OrderEventKind
strawberry.enum(OrderEventKindEnum, name="OrderEventKind", description="What happened to an order.")
