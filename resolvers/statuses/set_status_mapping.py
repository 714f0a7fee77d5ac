"""setStatusMapping: a company's own id and label for one status, so its ERP can map codes."""

from app.context import AppContext, Info
from app.domain.catalog import name_errors
from app.domain.errors import DomainErrors, Invalid, NotFound, NotUnique
from app.domain.status_catalog import CATALOGS, StatusKind
from db.models import StatusMapping
from db.queries import status_mappings
from graphql_schema.statuses.types import (
    SetStatusMappingInput,
    SetStatusMappingPayload,
    StatusCatalogEntry,
)
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction


async def set_status_mapping(info: Info, input: SetStatusMappingInput) -> SetStatusMappingPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: put(ctx, input))
    if row is None:
        return SetStatusMappingPayload(errors=errors)
    kind = StatusKind(row.kind)
    return SetStatusMappingPayload(
        entry=StatusCatalogEntry(
            code=row.status,
            description=CATALOGS[kind][row.status],
            remote_id=row.remote_id,
            label=row.label,
        )
    )


async def put(ctx: AppContext, input: SetStatusMappingInput) -> StatusMapping:
    company_id = input_id(input.company_id, "Company", ("company_id",))
    if company_id not in ctx.loaders.company_ids:
        raise NotFound("no Company with this id", path=("company_id",))
    kind = StatusKind(input.kind)
    errors = list(name_errors(input.remote_id, "remote_id"))
    if input.status not in CATALOGS[kind]:
        known = ", ".join(CATALOGS[kind])
        errors.append(Invalid(f"not a {kind.value} status; one of {known}", path=("status",)))
    if len(input.remote_id) > 64:
        errors.append(Invalid("at most 64 characters", path=("remote_id",)))
    if input.label is not None and len(input.label) > 200:
        errors.append(Invalid("at most 200 characters", path=("label",)))
    if errors:
        raise DomainErrors(errors)
    holder = await status_mappings.holder_of(ctx.session, company_id, kind.value, input.remote_id)
    if holder is not None and holder.status != input.status:
        message = f"this remote id already names {holder.status}"
        raise NotUnique(message, path=("remote_id",))
    return await status_mappings.put(
        ctx.session, company_id=company_id, kind=kind.value, status=input.status,
        remote_id=input.remote_id, label=input.label,
    )  # fmt: skip
