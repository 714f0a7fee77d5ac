"""createClient: check everything at once, insert the partner and its addresses, answer."""

from app.context import AppContext, Info
from app.domain.catalog import address_errors, partner_errors, roles_after
from app.domain.errors import DomainError
from app.domain.vocabulary import PartnerRole
from db import models
from db.queries import partners
from db.queries.codes import save_checked
from db.queries.partners import PARTNER_FIELDS as FIELDS
from graphql_schema.clients.inputs import ClientPayload, CreateClientInput, NewPartnerInput
from graphql_schema.clients.types import Client
from graphql_schema.rows import from_row
from resolvers.global_ids import optional_input_id
from resolvers.outcome import in_transaction


async def create_client(info: Info, input: CreateClientInput) -> ClientPayload:
    ctx = info.context

    async def work() -> models.Partner:
        errors = address_errors(input.addresses)
        row = await insert_partner(
            ctx, input, PartnerRole.CLIENT, input.also_representative, errors
        )
        new_addresses = [(None, address) for address in input.addresses]
        await partners.replace_addresses(ctx.session, row.id, [], new_addresses)
        return row

    row, errors = await in_transaction(ctx.session, work)
    return ClientPayload(client=from_row(Client, row) if row else None, errors=errors)


async def insert_partner(
    ctx: AppContext,
    input: NewPartnerInput,
    role: PartnerRole,
    also_other: bool,
    errors: list[DomainError],
) -> models.Partner:
    """Shared with createAgent: every check at once (after the caller's `errors`), then insert."""
    errors = [*errors, *partner_errors(input)]
    company_id = optional_input_id(input.company_id, "Company", ("company_id",), errors)
    row = models.Partner(company_id=company_id, roles=roles_after((), role, also_other))
    scope = ctx.loaders.company_ids
    return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)
