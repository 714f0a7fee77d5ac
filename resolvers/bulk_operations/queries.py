"""bulkOperation(id) and bulkOperations: the caller's jobs, newest first."""

from strawberry import relay

from app.context import Info
from db import models
from db.queries import bulk_operations
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.connection import Connection
from graphql_schema.rows import from_row
from resolvers.global_ids import decode_id
from resolvers.paging import list_connection


async def bulk_operation(info: Info, id: relay.GlobalID) -> BulkOperation | None:
    row = await info.context.loaders.by_id(models.BulkOperation).load(
        decode_id(id, "BulkOperation", argument="id")
    )
    return from_row(BulkOperation, row) if row is not None else None


async def bulk_operations_list(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[BulkOperation]:
    query = bulk_operations.select_operations(company_ids=info.context.loaders.company_ids)
    return await list_connection(
        info, BulkOperation, models.BulkOperation, query, bulk_operations.OPERATIONS,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip
