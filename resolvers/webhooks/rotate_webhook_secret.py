"""rotateWebhookSecret: a new signing secret at once, answered this once; the old one stops."""

from app.context import Info
from app.domain.webhooks import new_secret
from db import models
from graphql_schema.rows import from_row
from graphql_schema.webhooks.inputs import WebhookEndpointIdInput, WebhookEndpointSecretPayload
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers.outcome import in_transaction
from resolvers.webhooks.update_webhook_endpoint import locked_endpoint


async def rotate_webhook_secret(
    info: Info, input: WebhookEndpointIdInput
) -> WebhookEndpointSecretPayload:
    ctx = info.context

    async def work() -> models.WebhookEndpoint:
        row = await locked_endpoint(ctx, input.id)
        row.secret = new_secret()
        await ctx.session.flush()
        await ctx.session.refresh(row)
        return row

    row, errors = await in_transaction(ctx.session, work)
    if row is None:
        return WebhookEndpointSecretPayload(errors=errors)
    ctx.loaders.after_write(models.WebhookEndpoint, row)
    return WebhookEndpointSecretPayload(
        webhook_endpoint=from_row(WebhookEndpoint, row), secret=row.secret
    )
