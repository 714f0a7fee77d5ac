"""updateWebhookEndpoint: change url, events, description or enabled; re-check a new URL."""

from app.context import AppContext, Info
from app.domain.errors import DomainErrors, NotFound
from db import models
from db.queries import webhooks
from graphql_schema.rows import from_row
from graphql_schema.webhooks.inputs import UpdateWebhookEndpointInput, WebhookEndpointPayload
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction
from resolvers.webhooks.endpoint_checks import (
    description_errors,
    distinct_kinds,
    events_errors,
    url_errors,
)


async def update_webhook_endpoint(
    info: Info, input: UpdateWebhookEndpointInput
) -> WebhookEndpointPayload:
    ctx = info.context
    errors = [
        *events_errors(input.events),
        *description_errors(input.description),
        *await url_errors(ctx.settings, input.url),  # before the row lock: DNS may be slow
    ]

    async def work() -> models.WebhookEndpoint:
        row = await locked_endpoint(ctx, input.id)
        if errors:
            raise DomainErrors(errors)
        if input.url is not None:
            row.url = input.url
        if input.events is not None:
            row.events = distinct_kinds(input.events)
        if input.description is not None:
            row.description = input.description
        if input.enabled is not None and input.enabled != row.enabled:
            row.enabled = input.enabled
            row.disabled_reason = None if input.enabled else "disabled through the API"
            row.disabled_at = None if input.enabled else await webhooks.now(ctx.session)
            row.failing_since = None
        await ctx.session.flush()
        await ctx.session.refresh(row)
        return row

    row, user_errors = await in_transaction(ctx.session, work)
    if row is None:
        return WebhookEndpointPayload(errors=user_errors)
    ctx.loaders.after_write(models.WebhookEndpoint, row)
    return WebhookEndpointPayload(webhook_endpoint=from_row(WebhookEndpoint, row))


async def locked_endpoint(ctx: AppContext, global_id: object) -> models.WebhookEndpoint:
    """The caller's endpoint under its row lock, or NOT_FOUND on `id`."""
    endpoint_id = input_id(global_id, "WebhookEndpoint", ("id",))  # type: ignore[arg-type]
    row = await webhooks.get_endpoint_for_update(
        ctx.session, endpoint_id, company_ids=ctx.principal.company_ids
    )
    if row is None:
        raise NotFound("no webhook endpoint with this id", path=("id",))
    return row
