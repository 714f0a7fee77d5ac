"""orderStatuses and lineStatuses: the catalogs, with one company's remote ids and labels."""

import strawberry

from app.context import Info
from app.domain.status_catalog import CATALOGS, StatusKind
from db.queries import status_mappings
from graphql_schema.errors import QueryInputError
from graphql_schema.statuses.types import StatusCatalogEntry
from resolvers.global_ids import decode_id


async def order_statuses(
    info: Info, company_id: strawberry.ID | None = None
) -> list[StatusCatalogEntry]:
    return await catalog(info, StatusKind.ORDER, company_id)


async def line_statuses(
    info: Info, company_id: strawberry.ID | None = None
) -> list[StatusCatalogEntry]:
    return await catalog(info, StatusKind.LINE, company_id)


async def catalog(
    info: Info, kind: StatusKind, company_id: strawberry.ID | None
) -> list[StatusCatalogEntry]:
    """Without companyId, a key of one company sees that company's mappings; others see none."""
    scope = info.context.loaders.company_ids
    company = None
    if company_id is not None:
        company = decode_id(company_id, "Company", argument="companyId")
        if company not in scope:
            raise QueryInputError("companyId", "no company with this id")
    elif len(scope) == 1:
        (company,) = scope
    mapped = {}
    if company is not None:
        mapped = await status_mappings.mappings_of(info.context.session, company, kind.value)
    return [
        StatusCatalogEntry(
            code=code,
            description=description,
            remote_id=mapped[code].remote_id if code in mapped else None,
            label=mapped[code].label if code in mapped else None,
        )
        for code, description in CATALOGS[kind].items()
    ]
