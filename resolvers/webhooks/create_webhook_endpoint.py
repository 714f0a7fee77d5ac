"""createWebhookEndpoint: check the URL (form and DNS), insert, answer with the secret once."""

from app.context import Info
from app.domain.errors import DomainErrors, LimitExceeded, NotFound
from app.domain.webhooks import ENDPOINTS_PER_COMPANY_MAX, new_secret
from db import models
from db.queries import webhooks
from graphql_schema.rows import from_row
from graphql_schema.webhooks.inputs import CreateWebhookEndpointInput, WebhookEndpointSecretPayload
from graphql_schema.webhooks.types import WebhookEndpoint
from resolvers.global_ids import id_of
from resolvers.outcome import in_transaction
from resolvers.webhooks.endpoint_checks import (
    description_errors,
    distinct_kinds,
    events_errors,
    url_errors,
)


async def create_webhook_endpoint(
    info: Info, input: CreateWebhookEndpointInput
) -> WebhookEndpointSecretPayload:
    ctx = info.context
    errors = [
        *events_errors(input.events),
        *description_errors(input.description),
        *await url_errors(ctx.settings, input.url),
    ]
    company_id = id_of(input.company_id, "Company")
    if company_id is None or company_id not in ctx.principal.company_ids:
        errors.insert(0, NotFound("no company with this id", path=("company_id",)))

    async def work() -> models.WebhookEndpoint:
        if errors:
            raise DomainErrors(errors)
        assert company_id is not None
        if await webhooks.count_endpoints(ctx.session, company_id) >= ENDPOINTS_PER_COMPANY_MAX:
            limit = f"at most {ENDPOINTS_PER_COMPANY_MAX} endpoints per company"
            raise LimitExceeded(limit, path=("company_id",))
        row = models.WebhookEndpoint(
            company_id=company_id,
            url=input.url,
            description=input.description,
            events=distinct_kinds(input.events),
            secret=new_secret(),
        )
        ctx.session.add(row)
        await ctx.session.flush()
        await ctx.session.refresh(row)
        return row

    row, user_errors = await in_transaction(ctx.session, work)
    if row is None:
        return WebhookEndpointSecretPayload(errors=user_errors)
    return WebhookEndpointSecretPayload(
        webhook_endpoint=from_row(WebhookEndpoint, row), secret=row.secret
    )
