"""redeliverWebhook: a delivery pending again and due now, with the same event id and body."""

from app.context import Info
from app.domain.errors import NotFound
from db import models
from db.queries import webhooks
from graphql_schema.rows import from_row
from graphql_schema.webhooks.inputs import RedeliverWebhookInput, WebhookDeliveryPayload
from graphql_schema.webhooks.types import WebhookDelivery
from resolvers.global_ids import input_id
from resolvers.outcome import in_transaction


async def redeliver_webhook(info: Info, input: RedeliverWebhookInput) -> WebhookDeliveryPayload:
    ctx = info.context

    async def work() -> models.WebhookDelivery:
        delivery_id = input_id(input.id, "WebhookDelivery", ("id",))
        row = await webhooks.get_delivery_for_update(
            ctx.session, delivery_id, company_ids=ctx.principal.company_ids
        )
        if row is None:
            raise NotFound("no webhook delivery with this id", path=("id",))
        return await webhooks.requeue(ctx.session, row)

    row, errors = await in_transaction(ctx.session, work)
    if row is None:
        return WebhookDeliveryPayload(errors=errors)
    ctx.loaders.after_write(models.WebhookDelivery, row)
    return WebhookDeliveryPayload(webhook_delivery=from_row(WebhookDelivery, row))
