"""webhookEndpoint(id) and webhookEndpoints: the caller's companies' endpoints only."""

from strawberry import relay

from app.context import Info
from db import models
from db.queries import webhooks
from graphql_schema.connection import Connection
from graphql_schema.rows import from_row
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers.global_ids import decode_id
from resolvers.paging import list_connection


async def webhook_endpoint(info: Info, id: relay.GlobalID) -> WebhookEndpoint | None:
    row = await info.context.loaders.by_id(models.WebhookEndpoint).load(
        decode_id(id, "WebhookEndpoint", argument="id")
    )
    return from_row(WebhookEndpoint, row) if row is not None else None


async def webhook_endpoints(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[WebhookEndpoint]:
    query = webhooks.select_endpoints(company_ids=info.context.loaders.company_ids)
    return await list_connection(
        info, WebhookEndpoint, models.WebhookEndpoint, query, webhooks.ENDPOINTS,
        first=first, after=after, last=last, before=before,
    )  # fmt: skip
