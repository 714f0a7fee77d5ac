"""cancelBulkOperation: a job not finished yet stops; items not yet processed never will be."""

from app.context import AppContext, Info
from app.domain.errors import InvalidTransition, NotFound
from db import models
from db.queries import bulk_operations
from graphql_schema.bulk_operations.inputs import BulkOperationPayload, CancelBulkOperationInput
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction


async def cancel_bulk_operation(
    info: Info, input: CancelBulkOperationInput
) -> BulkOperationPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: cancel(ctx, input))
    if row is None:
        return BulkOperationPayload(errors=errors)
    ctx.loaders.after_write(models.BulkOperation, row)
    return BulkOperationPayload(bulk_operation=from_row(BulkOperation, row))


async def cancel(ctx: AppContext, input: CancelBulkOperationInput) -> models.BulkOperation:
    operation_id = input_id(input.id, "BulkOperation", ("id",))
    current = await ctx.loaders.by_id(models.BulkOperation).load(operation_id)  # scoped
    if current is None:
        raise NotFound("no bulk operation with this id", path=("id",))
    cancelled = await bulk_operations.cancel(ctx.session, operation_id)
    if cancelled is None:
        raise InvalidTransition(f"the bulk operation is already {current.status}", path=("id",))
    return cancelled
