"""Arguments of the orders list: the filter input and the sort orders."""

from datetime import datetime
from enum import Enum

import strawberry

from app.domain.storable import SEARCH_MAX
from graphql_schema.enums import OrderStatusEnum, OrderTypeEnum


@strawberry.enum(description="Keyset orders of the orders list; each is stable while rows arrive.")
class OrderSort(Enum):
    ORDERED_AT_ASC = "ORDERED_AT_ASC"
    ORDERED_AT_DESC = "ORDERED_AT_DESC"
    UPDATED_AT_ASC = "UPDATED_AT_ASC"
    UPDATED_AT_DESC = "UPDATED_AT_DESC"
    NUMBER_ASC = "NUMBER_ASC"
    NUMBER_DESC = "NUMBER_DESC"
    TOTAL_ASC = "TOTAL_ASC"
    TOTAL_DESC = "TOTAL_DESC"


@strawberry.input(description="Filters on the orders list; all given filters must match.")
class OrderFilter:
    status: list[OrderStatusEnum] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    type: OrderTypeEnum | None = None
    company_ids: list[strawberry.ID] | None = None
    client_ids: list[strawberry.ID] | None = None
    agent_ids: list[strawberry.ID] | None = None
    season_ids: list[strawberry.ID] | None = None
    ordered_from: datetime | None = strawberry.field(
        default=None, description="Ordered at or after this instant (ISO 8601)."
    )
    ordered_to: datetime | None = strawberry.field(
        default=None, description="Ordered before this instant (ISO 8601)."
    )
    updated_since: datetime | None = strawberry.field(
        default=None,
        description="Changed at or after this instant. With orderBy UPDATED_AT_ASC this is a"
        " change feed that sees every change exactly once: it serves only changes that no"
        " running transaction can still precede, so a change appears once it has committed.",
    )
    search: str | None = strawberry.field(
        default=None,
        description="Text contained in the order number or the client's name;"
        f" at most {SEARCH_MAX} characters.",
    )
