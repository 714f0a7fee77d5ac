"""setQuickOrderSuggestions: check every item against the client's company, replace the list."""

from typing import Any

from app.context import AppContext, Info
from app.domain.errors import DomainError, DomainErrors, NotFound
from app.domain.imports import Suggestion, suggestion_errors
from db import models
from db.queries import quick_orders
from db.queries.imports import rows_by_value
from graphql_schema.clients.types import Client
from graphql_schema.orders.quick_order_inputs import (
    SetQuickOrderSuggestionsInput,
    SetQuickOrderSuggestionsPayload,
)
from graphql_schema.rows import from_row
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction


async def set_quick_order_suggestions(
    info: Info, input: SetQuickOrderSuggestionsInput
) -> SetQuickOrderSuggestionsPayload:
    ctx = info.context
    client, errors = await in_transaction(ctx.session, lambda: replace(ctx, input))
    if client is None:
        return SetQuickOrderSuggestionsPayload(errors=errors)
    ctx.loaders.after_write(models.Partner, client)
    return SetQuickOrderSuggestionsPayload(client=from_row(Client, client))


async def replace(ctx: AppContext, input: SetQuickOrderSuggestionsInput) -> models.Partner:
    """Free of GraphQL payloads; the client stays locked until the caller commits."""
    client_id = input_id(input.client_id, "Client", ("client_id",))
    client = await quick_orders.lock_client(
        ctx.session, client_id, company_ids=ctx.loaders.company_ids
    )
    if client is None:
        raise NotFound("no client with this id", path=("client_id",))
    codes = {item.product_code for item in input.items}
    found = await rows_by_value(
        ctx.session,
        models.Product.code,
        codes,
        scope=models.Product.company_id,
        scope_ids=[client.company_id],
    )
    errors: list[DomainError] = []
    items = []
    for i, item in enumerate(input.items):
        product = next(iter(found.get((client.company_id, item.product_code), [])), None)
        if product is None:
            message = f"no product {item.product_code} in the client's company"
            errors.append(NotFound(message, path=("items", i, "product_code")))
        units = (
            item.units if item.units is not None else (product.units_per_package if product else 1)
        )
        product_id = product.id if product else None
        displays: Any = [] if item.display_in_group is None else item.display_in_group
        items.append(Suggestion(item.product_code, product_id, units, item.quantity, displays))
    errors.extend(suggestion_errors(items))
    if errors:
        raise DomainErrors(errors)
    rows = [
        {"product_id": item.product_id, "units": item.units, "quantity": item.quantity,
         "rank": given.rank if given.rank is not None else position,
         "display_in_group": item.display_in_group}
        for position, (item, given) in enumerate(zip(items, input.items, strict=True), start=1)
    ]  # fmt: skip
    await quick_orders.replace_suggestions(ctx.session, client.id, rows)
    return client
