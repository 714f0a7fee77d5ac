"""Webhook endpoints over HTTP: bounds, the SSRF guard, scopes and tenants, secrets, redelivery."""

from typing import Any

import httpx
import sqlalchemy as sa
from standardwebhooks.webhooks import WebhookVerificationError
from strawberry.relay import to_base64

from app.api_keys import issue_key
from app.domain.webhooks import new_secret
from db import models
from tests.access.conftest import make_tenant, purge_companies, unique
from tests.served import served
from tests.webhooks.conftest import (
    CREATE_ENDPOINT,
    ERRORS,
    UPDATE_ENDPOINT,
    Api,
    webhook_settings,
)
from tests.webhooks.receiver import receiving
from tests.webhooks.test_delivery import eventually

LIST = "{ webhookEndpoints { nodes { id url events enabled description } } }"
ROTATE = f"""mutation R($id: ID!) {{
  rotateWebhookSecret(input: {{id: $id}}) {{ secret webhookEndpoint {{ id }} {ERRORS} }}
}}"""
DELETE = f"""mutation D($id: ID!) {{
  deleteWebhookEndpoint(input: {{id: $id}}) {{ deletedId {ERRORS} }}
}}"""
REDELIVER = f"""mutation R($id: ID!) {{
  redeliverWebhook(input: {{id: $id}}) {{ webhookDelivery {{ id status }} {ERRORS} }}
}}"""


async def created(api: Api, **fields: Any) -> dict[str, Any]:
    given = {
        "companyId": api.partner.tenant.gid("Company"),
        "url": "https://erp.example.com/hooks",
        "events": ["CONFIRMED"],
    } | fields
    payload: dict[str, Any] = (await api.data(CREATE_ENDPOINT, {"input": given}))[
        "createWebhookEndpoint"
    ]
    return payload


def errors_of(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["code"], e["field"], e["message"]) for e in payload["errors"]]


async def test_the_ssrf_guard_refuses_loopback_unless_the_setting_allows_it(database_url, api_for):
    url = "http://127.0.0.1:9/hook"
    guarded = webhook_settings(database_url, webhook_allow_private_urls=False)
    async with served(guarded) as server, api_for(server) as api:
        refused = await created(api, url=url)
        metadata = await created(api, url="http://169.254.169.254/latest/meta-data")
        listed = await api.data(LIST)
    async with served(webhook_settings(database_url)) as server, api_for(server) as api:
        allowed = await created(api, url=url)

    assert errors_of(refused) == [("INVALID", "url", "resolves to 127.0.0.1, a loopback address")]
    assert refused["webhookEndpoint"] is None
    assert refused["secret"] is None
    assert errors_of(metadata) == [
        ("INVALID", "url", "resolves to 169.254.169.254, a link-local or metadata address")
    ]
    assert listed["webhookEndpoints"]["nodes"] == []
    assert allowed["errors"] == []
    assert allowed["secret"].startswith("whsec_")


async def test_a_url_that_turned_private_after_it_was_saved_is_not_called(
    database_url, api_for, partner, sessions
):
    """Saved while allowed (as a DNS answer may change later), refused at delivery time."""
    guarded = webhook_settings(database_url, webhook_allow_private_urls=False)
    async with receiving() as receiver:
        async with sessions() as session:
            endpoint = models.WebhookEndpoint(
                company_id=partner.tenant.ids["Company"],
                url=receiver.url,
                events=["CONFIRMED"],
                secret=new_secret(),
            )
            session.add(endpoint)
            await session.commit()
        endpoint_id = to_base64("WebhookEndpoint", endpoint.id)
        async with served(guarded) as server, api_for(server) as api:
            await api.confirm(partner.tenant.gid("Order"))

            async def attempted() -> Any:
                [delivery] = (await api.deliveries(endpoint_id))["deliveries"]["nodes"]
                return delivery if delivery["attempts"] else None

            delivery = await eventually(attempted)

    [attempt] = delivery["attempts"][:1]
    assert attempt["statusCode"] is None
    assert attempt["error"] == "not sent: the URL resolves to 127.0.0.1, a loopback address"
    assert delivery["status"] == "PENDING"  # retried later: DNS may change back
    assert receiver.received == []


async def test_inputs_past_their_bounds_are_refused_on_their_paths_all_at_once(
    database_url, api_for
):
    async with served(webhook_settings(database_url)) as server, api_for(server) as api:
        too_much = await created(
            api,
            url="https://erp.example.com/" + "a" * 2000,
            description="d" * 501,
            events=["CONFIRMED"] * 21,
        )
        nothing = await created(api, url="ftp://erp.example.com/", events=[])
        credentials = await created(api, url="https://user:secret@erp.example.com/")
        listed = await api.data(LIST)

    assert errors_of(too_much) == [
        ("LIMIT_EXCEEDED", "events", "at most 20 kinds, got 21"),
        ("INVALID", "description", "must be at most 500 characters, got 501"),
        ("INVALID", "url", "must be at most 2,000 characters, got 2,024"),
    ]
    assert errors_of(nothing) == [
        ("INVALID", "events", "name at least one event kind"),
        ("INVALID", "url", "must be an absolute http(s) URL"),
    ]
    assert errors_of(credentials) == [
        ("INVALID", "url", "must not carry credentials; authenticate receivers by the signature")
    ]
    assert listed["webhookEndpoints"]["nodes"] == []


async def test_a_key_sees_and_changes_only_its_companies_endpoints_and_needs_the_scope(
    database_url, api_for, partner, engine, sessions
):
    other = await make_tenant(sessions)
    async with sessions() as session:
        managers = await issue_key(
            session, name=unique("wh-other-"), company_codes=[other.code],
            scopes=["webhook.manage", "order.read"],
        )  # fmt: skip
        readers = await issue_key(
            session, name=unique("wh-reader-"), company_codes=None, scopes=["order.read"]
        )
    try:
        async with served(webhook_settings(database_url)) as server:
            async with api_for(server) as api:
                mine = (await created(api))["webhookEndpoint"]["id"]
            headers = {"authorization": f"Bearer {managers.plain}"}
            async with httpx.AsyncClient(base_url=server, headers=headers) as http:
                theirs = Api(http, partner)
                listed = await theirs.data(LIST)
                one = await theirs.data(
                    "query Q($id: ID!) { webhookEndpoint(id: $id) { id } node(id: $id) { id } }",
                    {"id": mine},
                )
                update = {"input": {"id": mine, "enabled": False}}
                changed = (await theirs.data(UPDATE_ENDPOINT, update))["updateWebhookEndpoint"]
                deleted = (await theirs.data(DELETE, {"id": mine}))["deleteWebhookEndpoint"]
                company = {
                    "companyId": partner.tenant.gid("Company"),
                    "url": "https://e.example.com/",
                    "events": ["CREATED"],
                }
                foreign = (await theirs.data(CREATE_ENDPOINT, {"input": company}))[
                    "createWebhookEndpoint"
                ]
            headers = {"authorization": f"Bearer {readers.plain}"}
            async with httpx.AsyncClient(base_url=server, headers=headers) as http:
                body = (await http.post("/graphql", json={"query": LIST})).json()
            async with api_for(server) as api:
                still = await api.data(LIST)
    finally:
        async with sessions() as session:
            ids = [managers.id, readers.id]
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id.in_(ids)))
            await session.commit()
        await purge_companies(sessions, [other.code])

    assert listed["webhookEndpoints"]["nodes"] == []
    assert one == {"webhookEndpoint": None, "node": None}
    assert errors_of(changed) == [("NOT_FOUND", "id", "no webhook endpoint with this id")]
    assert errors_of(deleted) == [("NOT_FOUND", "id", "no webhook endpoint with this id")]
    assert errors_of(foreign) == [("NOT_FOUND", "companyId", "no company with this id")]
    assert body["data"] is None
    assert body["errors"][0]["message"] == "this API key lacks the webhook.manage scope"
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert [(n["id"], n["enabled"]) for n in still["webhookEndpoints"]["nodes"]] == [(mine, True)]


async def test_update_rotate_redeliver_and_delete(database_url, api_for, partner):
    async with (
        receiving() as receiver,
        served(webhook_settings(database_url)) as server,
        api_for(server) as api,
    ):
        endpoint_id, old_secret = await api.endpoint(receiver.url, ["CREATED"])
        update = {"input": {"id": endpoint_id, "events": ["CONFIRMED", "CONFIRMED"]}}
        updated = (await api.data(UPDATE_ENDPOINT, update))["updateWebhookEndpoint"]
        rotated = (await api.data(ROTATE, {"id": endpoint_id}))["rotateWebhookSecret"]
        await api.confirm(partner.tenant.gid("Order"))
        [first] = await receiver.wait_count(1)
        [delivery] = (await api.deliveries(endpoint_id))["deliveries"]["nodes"]
        again = (await api.data(REDELIVER, {"id": delivery["id"]}))["redeliverWebhook"]
        first_again, second = await receiver.wait_count(2)
        deleted = (await api.data(DELETE, {"id": endpoint_id}))["deleteWebhookEndpoint"]
        listed = await api.data(LIST)

    assert updated["webhookEndpoint"]["events"] == ["CONFIRMED"]
    assert rotated["errors"] == []
    new_secret_ = rotated["secret"]
    assert new_secret_ != old_secret
    assert first_again is first
    first.verified(new_secret_)
    second.verified(new_secret_)
    first.verified(old_secret)  # within WEBHOOK_SECRET_OVERLAP_S both signatures are sent
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert second.message_id == first.message_id  # the same event: receivers drop the copy
    assert second.body == first.body
    assert again["errors"] == []
    assert again["webhookDelivery"]["status"] == "PENDING"
    assert deleted == {"deletedId": endpoint_id, "errors": []}
    assert listed["webhookEndpoints"]["nodes"] == []


async def test_without_an_overlap_the_rotated_out_secret_no_longer_verifies(
    database_url, api_for, partner
):
    settings = webhook_settings(database_url, webhook_secret_overlap_s=0)
    async with receiving() as receiver, served(settings) as server, api_for(server) as api:
        endpoint_id, old_secret = await api.endpoint(receiver.url, ["CONFIRMED"])
        rotated = (await api.data(ROTATE, {"id": endpoint_id}))["rotateWebhookSecret"]
        await api.confirm(partner.tenant.gid("Order"))
        [request] = await receiver.wait_count(1)

    request.verified(rotated["secret"])
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    try:
        request.verified(old_secret)
    except WebhookVerificationError:
        return
    raise AssertionError("the rotated-out secret still verified")


async def test_node_shows_an_endpoint_only_to_a_key_that_manages_webhooks(
    database_url, api_for, partner, sessions
):
    async with sessions() as session:
        reader = await issue_key(
            session, name=unique("wh-node-"), company_codes=[partner.tenant.code],
            scopes=["order.read"],
        )  # fmt: skip
    query = "query Q($id: ID!) { node(id: $id) { id ... on WebhookEndpoint { url } } }"
    try:
        async with served(webhook_settings(database_url)) as server:
            async with api_for(server) as api:
                endpoint_id = (await created(api))["webhookEndpoint"]["id"]
                managed = await api.data(query, {"id": endpoint_id})
            headers = {"authorization": f"Bearer {reader.plain}"}
            async with httpx.AsyncClient(base_url=server, headers=headers) as http:
                read = await Api(http, partner).data(query, {"id": endpoint_id})
    finally:
        async with sessions() as session:
            await session.execute(sa.delete(models.ApiKey).where(models.ApiKey.id == reader.id))
            await session.commit()

    assert managed["node"] == {"id": endpoint_id, "url": "https://erp.example.com/hooks"}
    assert read["node"] is None
