"""Background jobs: bulk import and batch update for inputs too big for one request."""

import strawberry

from graphql_schema.bulk_operations.inputs import BulkOperationPayload
from graphql_schema.permissions import BulkWrite
from resolvers.bulk_operations.cancel_bulk_operation import cancel_bulk_operation
from resolvers.bulk_operations.start_bulk_operation import start_batch_update, start_bulk_import


@strawberry.type
class BulkOperationMutation:
    start_bulk_import: BulkOperationPayload = strawberry.mutation(
        permission_classes=[BulkWrite],
        resolver=start_bulk_import,
        description="Import up to 100,000 orders in the background, as bulkImportOrders would."
        " Answers at once with the job; poll bulkOperation(id) for progress and results.",
    )
    start_batch_update: BulkOperationPayload = strawberry.mutation(
        permission_classes=[BulkWrite],
        resolver=start_batch_update,
        description="Run many lifecycle changes in the background, as batchUpdateOrders would.",
    )
    cancel_bulk_operation: BulkOperationPayload = strawberry.mutation(
        permission_classes=[BulkWrite],
        resolver=cancel_bulk_operation,
        description="Stop a job: items not processed yet never will be; processed ones stay.",
    )
