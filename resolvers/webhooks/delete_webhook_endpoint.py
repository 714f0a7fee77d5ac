"""deleteWebhookEndpoint: the endpoint, its pending deliveries and its attempt log go."""

from strawberry import relay

from app.context import Info
from db.queries import webhooks
from graphql_schema.webhooks.inputs import DeleteWebhookEndpointPayload, WebhookEndpointIdInput
from resolvers.outcome import in_transaction
from resolvers.webhooks.update_webhook_endpoint import locked_endpoint


async def delete_webhook_endpoint(
    info: Info, input: WebhookEndpointIdInput
) -> DeleteWebhookEndpointPayload:
    ctx = info.context

    async def work() -> int:
        row = await locked_endpoint(ctx, input.id)
        await webhooks.delete_endpoint(ctx.session, row)
        return row.id

    deleted, errors = await in_transaction(ctx.session, work)
    if deleted is None:
        return DeleteWebhookEndpointPayload(errors=errors)
    return DeleteWebhookEndpointPayload(deleted_id=relay.GlobalID("WebhookEndpoint", str(deleted)))
