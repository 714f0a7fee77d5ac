"""Who and where an order is for: client, agent, season, payment method and addresses, checked."""

from typing import Any, Protocol

from strawberry import relay

from app.context import AppContext
from app.domain import new_order
from app.domain.errors import DomainError, NotFound
from app.domain.vocabulary import PartnerRole
from db import models
from resolvers.global_ids import id_of, optional_input_id


class PartiesInput(Protocol):
    client_id: relay.GlobalID
    agent_id: relay.GlobalID | None
    season_id: relay.GlobalID | None
    payment_method_id: relay.GlobalID | None
    shipping_address_id: relay.GlobalID | None
    billing_address_id: relay.GlobalID | None


async def check_parties(
    ctx: AppContext, given: PartiesInput, *, company_id: int, errors: list[DomainError]
) -> dict[str, int | None]:
    """The order's foreign keys, each checked; problems are added to `errors`."""
    ids = {
        field: optional_input_id(getattr(given, field), node_type, (field,), errors)
        for field, node_type in _ID_TYPES.items()
        if field not in _PARTIES
    }
    # the party checks report an unknown or malformed client or agent id themselves
    for field, node_type in _PARTIES.items():
        given_id = getattr(given, field)
        ids[field] = None if given_id is None else id_of(given_id, node_type)
    load = ctx.loaders.by_id
    client = await _load(load(models.Partner), ids["client_id"])
    agent = await _load(load(models.Partner), ids["agent_id"])
    errors.extend(_party("client_id", client, PartnerRole.CLIENT, company_id))
    if given.agent_id is not None:
        errors.extend(_party("agent_id", agent, PartnerRole.REPRESENTATIVE, company_id))
    for field, model in (("season_id", models.Season), ("payment_method_id", models.PaymentMethod)):
        row = await _load(load(model), ids[field])
        if ids[field] is not None and (row is None or row.company_id != company_id):
            errors.append(NotFound("none with this id in the order's company", path=(field,)))
    for field, shipping in (("shipping_address_id", True), ("billing_address_id", False)):
        if ids[field] is None or client is None:
            continue
        address = await _load(load(models.Address), ids[field])
        view = new_order.AddressView(**_fields(address, new_order.AddressView)) if address else None
        errors.extend(
            new_order.address_errors(view, client_id=client.id, shipping=shipping, path=(field,))
        )
    return ids


_PARTIES = {"client_id": "Client", "agent_id": "Agent"}
_ID_TYPES = {
    "client_id": "Client",
    "agent_id": "Agent",
    "season_id": "Season",
    "payment_method_id": "PaymentMethod",
    "shipping_address_id": "Address",
    "billing_address_id": "Address",
}


def _party(
    field: str, row: models.Partner | None, role: PartnerRole, company_id: int
) -> list[DomainError]:
    view = new_order.PartyView(row.id, row.company_id, row.roles) if row else None
    return new_order.party_errors(view, role, company_id=company_id, path=(field,))


async def _load(loader: Any, row_id: int | None) -> Any:
    return None if row_id is None else await loader.load(row_id)


def _fields(row: Any, view: type[new_order.AddressView]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in view.__slots__}
