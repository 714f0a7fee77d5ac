"""Webhook endpoints: where a company's order events are POSTed, signed, and retried."""

import strawberry

from graphql_schema.permissions import WebhookManage
from graphql_schema.webhooks.inputs import (
    DeleteWebhookEndpointPayload,
    WebhookDeliveryPayload,
    WebhookEndpointPayload,
    WebhookEndpointSecretPayload,
)
from resolvers.webhooks.create_webhook_endpoint import create_webhook_endpoint
from resolvers.webhooks.delete_webhook_endpoint import delete_webhook_endpoint
from resolvers.webhooks.redeliver_webhook import redeliver_webhook
from resolvers.webhooks.rotate_webhook_secret import rotate_webhook_secret
from resolvers.webhooks.update_webhook_endpoint import update_webhook_endpoint


@strawberry.type
class WebhookMutation:
    create_webhook_endpoint: WebhookEndpointSecretPayload = strawberry.mutation(
        permission_classes=[WebhookManage],
        resolver=create_webhook_endpoint,
        description="Send a company's order events of these kinds to a URL, signed with the"
        " secret answered here (this once). By default the URL must resolve to public addresses.",
    )
    update_webhook_endpoint: WebhookEndpointPayload = strawberry.mutation(
        permission_classes=[WebhookManage],
        resolver=update_webhook_endpoint,
        description="Change an endpoint's URL, event kinds or description, or disable or"
        " re-enable it. A disabled endpoint gets no deliveries for new events.",
    )
    rotate_webhook_secret: WebhookEndpointSecretPayload = strawberry.mutation(
        permission_classes=[WebhookManage],
        resolver=rotate_webhook_secret,
        description="A new signing secret, answered this once. For WEBHOOK_SECRET_OVERLAP_S"
        " (a day by default) requests carry a signature with the old secret as well, so a"
        " receiver can switch without refusing any.",
    )
    delete_webhook_endpoint: DeleteWebhookEndpointPayload = strawberry.mutation(
        permission_classes=[WebhookManage],
        resolver=delete_webhook_endpoint,
        description="Delete an endpoint with its deliveries and their attempts.",
    )
    redeliver_webhook: WebhookDeliveryPayload = strawberry.mutation(
        permission_classes=[WebhookManage],
        resolver=redeliver_webhook,
        description="Attempt a delivery again now (delivered or failed ones too), with the same"
        " event id and body, so a receiver that already has it can drop it.",
    )
