"""Status catalogs: each status, what it means, and the company's own id and label for it."""

import strawberry
from strawberry import relay

from app.domain.status_catalog import StatusKind
from graphql_schema.errors import UserError

StatusKindEnum = strawberry.enum(
    StatusKind, name="StatusKind", description="Which catalog: order statuses or line statuses."
)


@strawberry.type(description="One status of a catalog, as an ERP maps its codes onto it.")
class StatusCatalogEntry:
    code: str = strawberry.field(description="The status as this API names it, e.g. CONFIRMED.")
    description: str
    remote_id: str | None = strawberry.field(
        description="The company's own id for it (setStatusMapping); imports accept it as"
        " statusRemoteId."
    )
    label: str | None = strawberry.field(description="The company's own label for it.")


@strawberry.input(description="A company's own id and label for one status.")
class SetStatusMappingInput:
    company_id: relay.GlobalID
    kind: StatusKindEnum  # type: ignore[valid-type]
    status: str = strawberry.field(description="A code of the catalog, e.g. CONFIRMED.")
    remote_id: str = strawberry.field(description="Unique per company and catalog.")
    label: str | None = None


@strawberry.type(description="The entry as it is now, or why it was not changed.")
class SetStatusMappingPayload:
    entry: StatusCatalogEntry | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
