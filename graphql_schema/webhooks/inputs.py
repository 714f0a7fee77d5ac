"""Inputs and payloads of the webhook endpoint mutations."""

import strawberry
from strawberry import relay

from graphql_schema.enums import OrderEventKindEnum
from graphql_schema.errors import UserError
from graphql_schema.webhooks.types import WebhookDelivery, WebhookEndpoint


@strawberry.input(description="A new endpoint: where to POST which kinds of a company's events.")
class CreateWebhookEndpointInput:
    company_id: relay.GlobalID
    url: str = strawberry.field(
        description="http(s); by default it must resolve to public addresses only."
    )
    events: list[OrderEventKindEnum] = strawberry.field(description="At least one event kind.")
    description: str | None = None


@strawberry.input(description="What to change; fields left out stay as they are.")
class UpdateWebhookEndpointInput:
    id: relay.GlobalID
    url: str | None = None
    events: list[OrderEventKindEnum] | None = None
    enabled: bool | None = strawberry.field(
        default=None, description="true re-enables an endpoint the server disabled."
    )
    description: str | None = None


@strawberry.input(description="Which endpoint.")
class WebhookEndpointIdInput:
    id: relay.GlobalID


@strawberry.input(description="Which delivery to attempt again.")
class RedeliverWebhookInput:
    id: relay.GlobalID


@strawberry.type(description="The endpoint, or why nothing changed.")
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The endpoint with its signing secret, shown this once only.")
class WebhookEndpointSecretPayload:
    webhook_endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="`whsec_` and base64: verify each request with a Standard Webhooks library.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The id of the deleted endpoint, or why it was not deleted.")
class DeleteWebhookEndpointPayload:
    deleted_id: relay.GlobalID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The delivery, pending again, or why not.")
class WebhookDeliveryPayload:
    webhook_delivery: WebhookDelivery | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
