"""startOrderExport: the job is stored at once; a worker writes the file and says where it is."""

from app.context import AppContext, Info
from app.domain.errors import Invalid
from db import models
from db.queries import order_exports
from db.queries.orders import OrderListFilter
from graphql_schema.bulk_operations.inputs import BulkOperationPayload
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.errors import QueryInputError
from graphql_schema.exports.inputs import StartOrderExportInput
from graphql_schema.orders.filters import OrderFilter
from graphql_schema.rows import from_row
from resolvers.orders.queries import _list_filter  # exports filter exactly as orders() does
from resolvers.outcome import in_transaction


async def start_order_export(info: Info, input: StartOrderExportInput) -> BulkOperationPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: start(ctx, input))
    if row is None:
        return BulkOperationPayload(errors=errors)
    return BulkOperationPayload(bulk_operation=from_row(BulkOperation, row))


async def start(ctx: AppContext, input: StartOrderExportInput) -> models.BulkOperation:
    principal = ctx.principal
    return await order_exports.insert_export(
        ctx.session,
        format=input.format.value,
        list_filter=resolved_filter(input.filter),
        key_id=principal.key_id,
        company_ids=principal.company_ids,
        scopes=principal.scopes,
    )


def resolved_filter(given: OrderFilter | None) -> OrderListFilter:
    """Ids decoded and instants checked now, so a bad filter is refused before any job exists."""
    try:
        return _list_filter(given or OrderFilter(), feed=False)
    except QueryInputError as error:
        path = tuple(error.argument.split("."))
        raise Invalid(str(error).removeprefix(f"{error.argument}: "), path=path) from None
