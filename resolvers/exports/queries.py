"""orderExport(id): an export job, for keys that may read orders but not run bulk writes."""

from strawberry import relay

from app.context import Info
from db.queries import order_exports
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.rows import from_row
from resolvers.global_ids import decode_id


async def order_export(info: Info, id: relay.GlobalID) -> BulkOperation | None:
    found = await order_exports.get_export(
        info.context.session,
        decode_id(id, "BulkOperation", argument="id"),
        company_ids=info.context.loaders.company_ids,
    )
    return None if found is None else from_row(BulkOperation, found[0])
