"""Webhook tests: committed companies and keys, a server with its worker, a GraphQL helper.

Everything is committed (the server's worker reads on its own connections) and deleted again.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.api_keys import issue_key
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from tests.access.conftest import Tenant, make_tenant, purge_companies, unique
from tests.hostile.test_inputs import CREATE, order_input

Sessions = async_sessionmaker[AsyncSession]
ERRORS = "errors { code field message }"
CREATE_ENDPOINT = f"""mutation C($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{ secret webhookEndpoint {{ id enabled }} {ERRORS} }}
}}"""
UPDATE_ENDPOINT = f"""mutation U($input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(input: $input) {{
    webhookEndpoint {{ id url enabled events disabledReason }} {ERRORS}
  }}
}}"""
CONFIRM = f"""mutation Confirm($id: ID!) {{
  confirmOrder(input: {{id: $id}}) {{ order {{ id status }} {ERRORS} }}
}}"""
CANCEL = f"""mutation Cancel($id: ID!) {{
  cancelOrder(input: {{id: $id, reason: OTHER}}) {{ order {{ id status }} {ERRORS} }}
}}"""
DELIVERIES = """query D($id: ID!) {
  webhookEndpoint(id: $id) {
    enabled disabledReason
    deliveries(first: 50) { nodes {
      id status attemptCount messageId event { kind }
      attempts { statusCode durationMs responseSnippet error retryInMs }
    } }
  }
}"""


def webhook_settings(database_url: str, **overrides: Any) -> Settings:
    """A server whose worker polls often and retries after tenths of a second."""
    given: dict[str, Any] = {
        "bulk_worker_enabled": False,
        "webhook_allow_private_urls": True,
        "webhook_poll_interval_s": 0.05,
        "webhook_retry_base_s": 0.2,
        "webhook_attempt_timeout_s": 5.0,
    } | overrides
    return Settings(database_url=database_url, _env_file=None, **given)  # type: ignore[arg-type]


def webhook_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The same, as `orders-api serve` reads it."""
    return {
        "DATABASE_URL": database_url,
        "BULK_WORKER_ENABLED": "false",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "WEBHOOK_POLL_INTERVAL_S": "0.05",
        "WEBHOOK_RETRY_BASE_S": "0.2",
    } | overrides


@pytest.fixture(scope="module")
def sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)


@dataclass(frozen=True)
class Partner:
    """A committed company and a key for it holding webhook.manage and order.read/write."""

    tenant: Tenant
    key: str
    key_id: int


@pytest.fixture
async def partner(engine: AsyncEngine, sessions: Sessions) -> AsyncIterator[Partner]:
    tenant = await make_tenant(sessions)
    async with AsyncSession(engine) as session:
        issued = await issue_key(
            session,
            name=unique("webhooks-"),
            company_codes=[tenant.code],
            scopes=["order.read", "order.write", "webhook.manage"],
        )
    yield Partner(tenant, issued.plain, issued.id)
    async with sessions() as session:
        company = models.WebhookEndpoint.company_id == tenant.ids["Company"]
        await session.execute(sa.delete(models.WebhookEndpoint).where(company))
        await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == issued.id))
        await session.commit()
    await purge_companies(sessions, [tenant.code])


class Api:
    """GraphQL over real HTTP with the partner's key."""

    def __init__(self, http: httpx.AsyncClient, partner: Partner) -> None:
        self.http = http
        self.partner = partner

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]
        return result

    async def endpoint(self, url: str, events: list[str], **fields: Any) -> tuple[str, str]:
        """A new endpoint's id and secret."""
        given = {"companyId": self.partner.tenant.gid("Company"), "url": url, "events": events}
        payload = (await self.data(CREATE_ENDPOINT, {"input": given | fields}))[
            "createWebhookEndpoint"
        ]
        assert payload["errors"] == [], payload
        return payload["webhookEndpoint"]["id"], payload["secret"]

    async def order(self) -> str:
        """A new PENDING order's id."""
        number = unique("WH-")
        variables = {"input": order_input(self.partner.tenant, number=number)}
        payload = (await self.data(CREATE, variables))["createOrder"]
        assert payload["errors"] == [], payload
        return str(payload["order"]["id"])

    async def confirm(self, order_id: str) -> None:
        payload = (await self.data(CONFIRM, {"id": order_id}))["confirmOrder"]
        assert payload["errors"] == [], payload

    async def cancel(self, order_id: str) -> None:
        payload = (await self.data(CANCEL, {"id": order_id}))["cancelOrder"]
        assert payload["errors"] == [], payload

    async def deliveries(self, endpoint_id: str) -> dict[str, Any]:
        result: dict[str, Any] = (await self.data(DELIVERIES, {"id": endpoint_id}))[
            "webhookEndpoint"
        ]
        return result


@pytest.fixture
def api_for(partner: Partner) -> Callable[[str], Any]:
    """`async with api_for(url) as api:` GraphQL at a running server with the partner's key."""

    def make(url: str) -> Any:
        client = httpx.AsyncClient(
            base_url=url, headers={"authorization": f"Bearer {partner.key}"}, timeout=60
        )

        class Opened:
            async def __aenter__(self) -> Api:
                await client.__aenter__()
                return Api(client, partner)

            async def __aexit__(self, *exc: object) -> None:
                await client.__aexit__(*exc)

        return Opened()

    return make
