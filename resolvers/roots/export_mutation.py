"""Order exports: a file of orders for an ERP, written in the background."""

import strawberry

from graphql_schema.bulk_operations.inputs import BulkOperationPayload
from graphql_schema.permissions import OrderRead
from resolvers.exports.start_order_export import start_order_export


@strawberry.type
class ExportMutation:
    start_order_export: BulkOperationPayload = strawberry.mutation(
        permission_classes=[OrderRead],
        resolver=start_order_export,
        description="Export the orders a filter selects (every one of your companies' when left"
        " out) as XML or JSON Lines, in the background. Answers at once with the EXPORT job;"
        " poll orderExport(id) until COMPLETED, then GET its export.downloadUrl with the same"
        " API key. The file is one consistent snapshot; it expires after EXPORT_TTL_S seconds.",
    )
