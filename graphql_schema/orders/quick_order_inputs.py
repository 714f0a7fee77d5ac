"""Input and payload of setQuickOrderSuggestions: a client's quick-order list, replaced whole."""

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.domain.imports import MAX_SUGGESTIONS
from graphql_schema.clients.types import Client
from graphql_schema.errors import UserError


@strawberry.input(
    description="One product to suggest for a quick re-order, named by its code as in the ERP."
)
class QuickOrderSuggestionInput:
    product_code: str = strawberry.field(
        description="The product's code [productInternalCode] in the client's company."
    )
    units: int | None = strawberry.field(
        default=None,
        description="Units per package of the display to offer; the product's when omitted."
        " A product may be suggested once per display.",
    )
    quantity: int = strawberry.field(default=1, description="Packages to suggest; from 1.")
    rank: int | None = strawberry.field(
        default=None,
        description="Place in the list, lowest first; the item's position (from 1) when omitted.",
    )
    display_in_group: JSON | None = strawberry.field(
        default=None,
        description="Alternative displays to offer with it: a list, kept as sent; [] if omitted.",
    )


@strawberry.input(
    description="A client's new quick-order list: it replaces the old one whole. Every product"
    " code must belong to the client's company; nothing changes when any item is refused."
)
class SetQuickOrderSuggestionsInput:
    client_id: relay.GlobalID = strawberry.field(description="A partner with the CLIENT role.")
    items: list[QuickOrderSuggestionInput] = strawberry.field(
        description=f"The whole list, at most {MAX_SUGGESTIONS} items; empty clears it."
    )


@strawberry.type(
    description="The client with its new list (see quickOrderSuggestions), or why not."
)
class SetQuickOrderSuggestionsPayload:
    client: Client | None = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with paths such as items.2.productCode."
    )
