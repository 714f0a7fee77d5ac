"""rotateWebhookSecret: a new signing secret, answered this once; the old one overlaps a while."""

from datetime import timedelta

from app.context import Info
from app.domain.webhooks import new_secret
from db import models
from db.queries import webhooks
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
        overlap = timedelta(seconds=ctx.settings.webhook_secret_overlap_s)
        return await webhooks.rotate_secret(ctx.session, row, new_secret(), overlap=overlap)

    row, errors = await in_transaction(ctx.session, work)
    if row is None:
        return WebhookEndpointSecretPayload(errors=errors)
    ctx.loaders.after_write(models.WebhookEndpoint, row)
    return WebhookEndpointSecretPayload(
        webhook_endpoint=from_row(WebhookEndpoint, row), secret=row.secret
    )
