"""updateClient: lock, check everything at once, change (the address list replaced), answer."""

from collections.abc import Sequence

from strawberry import relay

from app.context import AppContext, Info
from app.domain.catalog import address_errors, kept_address_errors, partner_errors, roles_after
from app.domain.errors import DomainError, Invalid
from app.domain.vocabulary import PartnerRole
from db import models
from db.queries import partners
from db.queries.codes import lock_in_scope, save_checked
from db.queries.partners import PARTNER_FIELDS as FIELDS
from graphql_schema.clients.inputs import (
    AddressInput,
    ClientPayload,
    PartnerChangesInput,
    UpdateClientInput,
)
from graphql_schema.clients.types import Client
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id, optional_input_id
from resolvers.outcome import in_transaction

_TYPE_NAMES = {PartnerRole.CLIENT: "Client", PartnerRole.REPRESENTATIVE: "Agent"}
_ROLE_ON_ORDERS = {PartnerRole.CLIENT: "client", PartnerRole.REPRESENTATIVE: "agent"}


async def update_client(info: Info, input: UpdateClientInput) -> ClientPayload:
    ctx = info.context

    async def work() -> models.Partner:
        row = await locked_partner(ctx, input.id, PartnerRole.CLIENT)
        current, entries, errors = await _new_addresses(ctx, row.id, input.addresses)
        row = await change_partner(
            ctx, row, input, PartnerRole.CLIENT, input.also_representative, errors
        )
        if input.addresses is not None:
            await partners.replace_addresses(ctx.session, row.id, current, entries)
        return row

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.Partner, row)  # also drops cached address lists
    return ClientPayload(client=from_row(Client, row) if row else None, errors=errors)


async def locked_partner(
    ctx: AppContext, partner_id: relay.GlobalID, role: PartnerRole
) -> models.Partner:
    """The partner, locked; one without `role` is as missing as another company's."""
    noun = _TYPE_NAMES[role]
    row: models.Partner = await lock_in_scope(
        ctx.session,
        models.Partner,
        input_id(partner_id, noun, ("id",)),
        models.Partner.roles.contains([role.value]),
        company_ids=ctx.loaders.company_ids,
        noun=noun,
    )
    return row


async def change_partner(
    ctx: AppContext,
    row: models.Partner,
    input: PartnerChangesInput,
    role: PartnerRole,
    also_other: bool | None,
    errors: list[DomainError],
) -> models.Partner:
    """Shared with updateAgent: every check at once (after the caller's `errors`), then write."""
    roles = roles_after(row.roles, role, also_other)
    errors = [*errors, *partner_errors(input), *await _dropped_role_errors(ctx, row, roles)]
    row.roles = roles  # rolled back with everything else when `errors` is not empty
    scope = ctx.loaders.company_ids
    return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)


async def _dropped_role_errors(
    ctx: AppContext, row: models.Partner, roles: list[str]
) -> list[DomainError]:
    """A role that orders rely on stays: the partner remains their client or agent."""
    for dropped in {*row.roles} - {*roles}:
        role = PartnerRole(dropped)
        if await partners.on_orders_as(ctx.session, row.id, role):
            message = f"orders name this partner as their {_ROLE_ON_ORDERS[role]}; it keeps {role}"
            return [Invalid(message, path=(f"also_{role.lower()}",))]
    return []


async def _new_addresses(
    ctx: AppContext, partner_id: int, addresses: Sequence[AddressInput] | None
) -> tuple[list[models.Address], list[tuple[int | None, AddressInput]], list[DomainError]]:
    """The client's addresses now and the entries that replace them, with every problem found."""
    if addresses is None:
        return [], [], []
    errors = address_errors(addresses)
    ids = [
        optional_input_id(address.id, "Address", ("addresses", index, "id"), errors)
        for index, address in enumerate(addresses)
    ]
    current = await partners.addresses_of(ctx.session, partner_id)
    on_orders = await partners.addresses_on_orders(ctx.session, [each.id for each in current])
    lines = {each.id: each.address_line for each in current if each.id in on_orders}
    errors += kept_address_errors(ids, {each.id for each in current}, lines)
    return current, list(zip(ids, addresses, strict=True)), errors
