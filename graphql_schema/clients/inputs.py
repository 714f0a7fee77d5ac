"""Inputs and payloads of the client mutations, and the partner fields agents share."""

import strawberry
from strawberry import relay

from graphql_schema.clients.types import Client
from graphql_schema.errors import UserError

_CODE = "Partner code: 1-32 letters, digits, '.', '_', '/' or '-'; unique per company."
_TAX_ID = "DNI / RUC or other tax id, at most 32 characters."
_EMAIL = "Contact email; refused unless it looks like an address (name@domain.tld)."
_EXTERNAL_ID = "The partner's id in the ERP [idRemote], at most 64 characters."


@strawberry.input(description="Fields every new business partner has, client or agent.")
class NewPartnerInput:
    company_id: relay.GlobalID = strawberry.field(
        description="The company the partner belongs to (one of yours); it cannot change later."
    )
    code: str = strawberry.field(description=_CODE)
    name: str = strawberry.field(description="Business or person name, not blank.")
    tax_id: str | None = strawberry.field(default=None, description=_TAX_ID)
    email: str | None = strawberry.field(default=None, description=_EMAIL)
    phone: str | None = strawberry.field(default=None, description="At most 40 characters.")
    external_id: str | None = strawberry.field(default=None, description=_EXTERNAL_ID)


@strawberry.input(description="Changes to a business partner; omitted fields keep their value.")
class PartnerChangesInput:
    id: relay.GlobalID = strawberry.field(
        description="The partner to change: a Client id for updateClient, an Agent id for "
        "updateAgent. Its company cannot change."
    )
    code: str | None = strawberry.field(default=None, description=_CODE)
    name: str | None = strawberry.field(default=None, description="New name, not blank.")
    tax_id: str | None = strawberry.field(default=None, description=_TAX_ID)
    email: str | None = strawberry.field(default=None, description=_EMAIL)
    phone: str | None = None
    external_id: str | None = strawberry.field(default=None, description=_EXTERNAL_ID)


@strawberry.input(
    description="A postal address of a client. In updateClient the list replaces the client's "
    "addresses: send an existing address with its `id` to keep it (its fields are overwritten); "
    "entries without an id are added; addresses left out are deleted, except those orders use, "
    "which must be sent again."
)
class AddressInput:
    id: relay.GlobalID | None = strawberry.field(
        default=None, description="An existing Address of this client, to keep it (updateClient)."
    )
    address_line: str = strawberry.field(description="Street and number, not blank.")
    city: str | None = None
    region: str | None = strawberry.field(default=None, description="Region, department, state.")
    zip_code: str | None = strawberry.field(
        default=None, description="Postal code: letters, digits, spaces and '-', at most 20."
    )
    country: str = strawberry.field(
        default="PE", description="ISO 3166-1 alpha-2 country code in capitals (PE, CL, US)."
    )
    is_shipping: bool = strawberry.field(
        default=False, description="Orders may ship to this address."
    )
    is_billing: bool = strawberry.field(
        default=False, description="Orders may be billed to this address."
    )
    label: str | None = strawberry.field(
        default=None, description="A name for people, such as 'Main store'."
    )
    external_id: str | None = strawberry.field(
        default=None, description="The address's id in the ERP."
    )


@strawberry.input(description="A new client: a partner with the CLIENT role, and its addresses.")
class CreateClientInput(NewPartnerInput):
    store_code: str | None = strawberry.field(default=None, description="The client's store code.")
    route_code: str | None = strawberry.field(
        default=None, description="The delivery route that serves the client."
    )
    also_representative: bool = strawberry.field(
        default=False, description="Also give the partner the REPRESENTATIVE role (an agent)."
    )
    addresses: list[AddressInput] = strawberry.field(
        default_factory=list,
        description="Shipping and billing addresses (at most 50); an order can only ship to an "
        "address flagged isShipping and be billed to one flagged isBilling.",
    )


@strawberry.input(
    description="Changes to a client; omitted fields keep their value and `addresses`, when "
    "given, replaces the whole list."
)
class UpdateClientInput(PartnerChangesInput):
    store_code: str | None = None
    route_code: str | None = None
    also_representative: bool | None = strawberry.field(
        default=None,
        description="true adds the REPRESENTATIVE role, false removes it (refused while orders "
        "name the partner as their agent); omitted keeps the roles.",
    )
    addresses: list[AddressInput] | None = strawberry.field(
        default=None,
        description="The complete new address list (at most 50); omitted keeps the addresses.",
    )


@strawberry.type(description="The client a mutation wrote, or why nothing was written.")
class ClientPayload:
    client: Client | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
