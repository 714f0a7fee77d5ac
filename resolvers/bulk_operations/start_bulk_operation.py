"""startBulkImport and startBatchUpdate: check the whole input, store it as items, answer at once.

A worker processes the items in chunks through the synchronous mutations; the answer is the job,
which the client polls with bulkOperation(id).
"""

from collections.abc import Sequence
from typing import Any

from app.context import AppContext, Info
from app.domain.errors import DomainError, DomainErrors, Invalid, LimitExceeded
from app.domain.imports import repeat_errors, under
from db import models
from db.queries import bulk_operations
from graphql_schema.bulk_operations.inputs import BulkOperationPayload, StartBulkImportInput
from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.machinery.input_json import to_json
from graphql_schema.orders.bulk import BatchUpdateOrdersInput
from graphql_schema.rows import from_row
from resolvers.outcome import in_transaction

_ACTIONS = (
    ("confirm", "confirm"),
    ("deliver", "deliver"),
    ("return", "return_"),
    ("cancel", "cancel"),
)


async def start_bulk_import(info: Info, input: StartBulkImportInput) -> BulkOperationPayload:
    ctx = info.context
    keys = [(order.company_code, order.source, order.external_id) for order in input.orders]
    what = "this source and external id"  # NOT_UNIQUE and worded as bulkImportOrders has it
    repeats = repeat_errors(keys, field="external_id", what=what, at="orders")
    errors = [
        placed
        for index, error in sorted(repeats.items())
        for placed in under(("orders", index), [error])
    ]
    payloads = [to_json(order) for order in input.orders]
    return await _start(ctx, "IMPORT", payloads, errors, path=("orders",))


async def start_batch_update(info: Info, input: BatchUpdateOrdersInput) -> BulkOperationPayload:
    payloads = [
        {"action": action, "index": index, "input": to_json(item)}
        for action, attribute in _ACTIONS
        for index, item in enumerate(getattr(input, attribute))
    ]
    return await _start(info.context, "BATCH_UPDATE", payloads, [], path=())


async def _start(
    ctx: AppContext,
    kind: str,
    payloads: Sequence[dict[str, Any]],
    errors: list[DomainError],
    *,
    path: tuple[str, ...],
) -> BulkOperationPayload:
    limit = ctx.settings.bulk_max_items
    if not payloads:
        errors.append(Invalid("send at least one item", path=path))
    if len(payloads) > limit:
        errors.append(
            LimitExceeded(f"at most {limit} items per job, got {len(payloads)}", path=path)
        )

    async def work() -> models.BulkOperation:
        if errors:
            raise DomainErrors(errors)
        principal = ctx.principal
        return await bulk_operations.insert_operation(
            ctx.session,
            kind=kind,
            key_id=principal.key_id,
            company_ids=principal.company_ids,
            scopes=principal.scopes,
            payloads=payloads,
        )

    row, user_errors = await in_transaction(ctx.session, work)
    if row is None:
        return BulkOperationPayload(errors=user_errors)
    return BulkOperationPayload(bulk_operation=from_row(BulkOperation, row))
