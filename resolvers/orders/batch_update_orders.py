"""batchUpdateOrders: confirm, deliver, return and cancel many orders, each item on its own.

Every item runs in its own transaction through the same function as its single mutation, so a
refused item changes nothing and does not undo the items before it.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from app.context import AppContext, Info
from app.domain.errors import ErrorCode
from app.domain.imports import size_errors
from db import models
from graphql_schema.errors import UserError, input_path
from graphql_schema.machinery.input_values import unstorable_values
from graphql_schema.orders.bulk import (
    BatchAction,
    BatchOrderResult,
    BatchUpdateOrdersInput,
    BatchUpdateOrdersPayload,
)
from resolvers.orders.cancel_order import cancel
from resolvers.orders.confirm_order import confirm
from resolvers.orders.deliver_order import deliver
from resolvers.orders.locking import order_payload
from resolvers.orders.return_order_items import return_items
from resolvers.outcome import in_transaction

_CHANGES: dict[BatchAction, Callable[[AppContext, Any], Awaitable[models.Order]]] = {
    BatchAction.CONFIRM: confirm,
    BatchAction.DELIVER: deliver,
    BatchAction.RETURN: return_items,
    BatchAction.CANCEL: cancel,
}


log = logging.getLogger(__name__)
_INTERNAL = "internal error; this item was not applied, the others stand"


async def batch_update_orders(
    info: Info, input: BatchUpdateOrdersInput
) -> BatchUpdateOrdersPayload:
    ctx = info.context
    lists: dict[BatchAction, Sequence[Any]] = {
        BatchAction.CONFIRM: input.confirm,
        BatchAction.DELIVER: input.deliver,
        BatchAction.RETURN: input.return_,
        BatchAction.CANCEL: input.cancel,
    }
    refused = size_errors(sum(map(len, lists.values())), path=(), noun="item")
    if refused:
        return BatchUpdateOrdersPayload(errors=[UserError.from_domain(error) for error in refused])
    results = [
        await _run(ctx, action, index, item)
        for action, items in lists.items()
        for index, item in enumerate(items)
    ]
    return BatchUpdateOrdersPayload(results=results)


async def _run(ctx: AppContext, action: BatchAction, index: int, item: Any) -> BatchOrderResult:
    """One item, committed or rolled back on its own, as its single mutation would be."""
    change = _CHANGES[action]
    unstorable = unstorable_values(item)
    try:
        if unstorable:
            row, errors = None, [UserError.from_domain(error) for error in unstorable]
        else:
            row, errors = await in_transaction(ctx.session, lambda: change(ctx, item), ctx.stock)
    except Exception:
        # a bug, not a refusal: the items before it are committed, so this one alone fails
        log.exception("batchUpdateOrders: %s item %s failed", action.value, index)
        row, errors = None, [UserError(code=ErrorCode.INTERNAL, field=None, message=_INTERNAL)]
    payload = order_payload(ctx, row, errors)
    prefix = input_path((action.value, index))
    return BatchOrderResult(
        action=action,
        index=index,
        id=item.id,
        order=payload.order,
        errors=[
            UserError(
                code=error.code,
                field=f"{prefix}.{error.field}" if error.field else prefix,
                message=error.message,
            )
            for error in payload.errors
        ],
    )
