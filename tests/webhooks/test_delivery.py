"""Webhooks end to end: a real server (its worker) POSTs to a real receiver on loopback.

Receivers verify every request with the Standard Webhooks library, as partners would.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from standardwebhooks.webhooks import WebhookVerificationError
from strawberry.relay import from_base64

from app.domain.vocabulary import OrderEventKind
from db import models
from db.queries import order_events
from tests.served import served
from tests.webhooks.conftest import UPDATE_ENDPOINT, webhook_settings
from tests.webhooks.receiver import receiving


async def eventually(check: Callable[[], Awaitable[Any]], ceiling_s: float = 60) -> Any:
    """Poll `check` until it answers something truthy; the ceiling only stops a broken test."""
    for _ in range(int(ceiling_s / 0.05)):
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never held")


async def test_a_confirmed_order_arrives_signed_with_the_order_as_the_api_shows_it(
    database_url, api_for, partner
):
    async with (
        receiving() as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        _, secret = await api.endpoint(receiver.url, ["CONFIRMED"], description="ERP")
        order_id = await api.order()
        await api.confirm(order_id)
        [request] = await receiver.wait_count(1)

    payload = request.verified(secret)
    assert payload["type"] == "order.confirmed"
    assert payload["id"] == request.message_id
    event = payload["data"]["event"]
    assert (event["kind"], event["statusBefore"], event["statusAfter"]) == (
        "CONFIRMED",
        "PENDING",
        "CONFIRMED",
    )
    assert request.message_id == f"evt_{from_base64(event['id'])[1]}"
    order = payload["data"]["order"]
    assert (order["id"], order["status"]) == (order_id, "CONFIRMED")
    assert order["company"]["code"] == partner.tenant.code
    assert [line["quantity"] for line in order["lines"]] == [1]
    # a receiver with another secret, or a body changed on the way, refuses it
    wrong = "whsec_" + "A" * 43 + "="
    for bad in (lambda: request.verified(wrong), lambda: _tampered(request, secret)):
        try:
            bad()
        except WebhookVerificationError:
            continue
        raise AssertionError("verified what it should not have")


def _tampered(request: Any, secret: str) -> None:
    from standardwebhooks.webhooks import Webhook

    Webhook(secret).verify(request.body.replace(b"CONFIRMED", b"CANCELLED"), request.headers)


async def test_a_failing_receiver_gets_the_event_again_later_each_time_with_one_id(
    database_url, api_for
):
    async with (
        receiving([500, 500, 200]) as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        endpoint_id, secret = await api.endpoint(receiver.url, ["CONFIRMED"])
        await api.confirm(await api.order())
        first, second, third = await receiver.wait_count(3)

        async def delivered() -> Any:
            found = await api.deliveries(endpoint_id)
            [delivery] = found["deliveries"]["nodes"]
            return delivery if delivery["status"] == "DELIVERED" else None

        delivery = await eventually(delivered)

    assert first.message_id == second.message_id == third.message_id == delivery["messageId"]
    assert first.body == second.body == third.body  # fixed at the first attempt
    for request in (first, second, third):
        request.verified(secret)
    attempts = delivery["attempts"]
    assert [a["statusCode"] for a in attempts] == [500, 500, 200]
    assert [a["responseSnippet"] for a in attempts] == ["answer 500", "answer 500", "answer 200"]
    retry_in = [a["retryInMs"] for a in attempts]
    assert retry_in[2] is None
    assert 200 <= retry_in[0] < retry_in[1]  # base 0.2 s, doubled, jitter only adds
    # the worker never comes back before the delay it chose
    assert second.at - first.at >= retry_in[0] / 1000
    assert third.at - second.at >= retry_in[1] / 1000
    assert delivery["attemptCount"] == 3


async def test_a_change_that_rolled_back_sends_nothing(database_url, api_for, partner, sessions):
    order_gid = partner.tenant.gid("Order")
    async with (
        receiving() as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        endpoint_id, _ = await api.endpoint(receiver.url, ["CONFIRMED"])
        async with sessions() as session:
            order = await session.get(models.Order, partner.tenant.ids["Order"])
            assert order is not None
            await order_events.append(
                session, order, OrderEventKind.CONFIRMED, before=order.status, actor="test"
            )
            await session.rollback()
        await api.confirm(order_gid)  # a change that commits, sent after the one that did not
        [request] = await receiver.wait_count(1)
        found = await api.deliveries(endpoint_id)

    assert request.json()["data"]["order"]["id"] == order_gid
    assert [d["messageId"] for d in found["deliveries"]["nodes"]] == [request.message_id]


async def test_a_disabled_endpoint_receives_nothing_and_a_410_disables_one(
    database_url, api_for, sessions
):
    async with (
        receiving() as enabled,
        receiving() as disabled,
        receiving([410]) as gone,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        await api.endpoint(enabled.url, ["CONFIRMED", "CANCELLED"])
        off, _ = await api.endpoint(disabled.url, ["CONFIRMED", "CANCELLED"])
        leaving, _ = await api.endpoint(gone.url, ["CONFIRMED", "CANCELLED"])
        update = {"input": {"id": off, "enabled": False}}
        updated = (await api.data(UPDATE_ENDPOINT, update))["updateWebhookEndpoint"]
        assert updated["webhookEndpoint"]["enabled"] is False

        order_id = await api.order()
        await api.confirm(order_id)
        await enabled.wait_count(1)
        await gone.wait_count(1)

        async def disabled_by_the_410() -> Any:
            found = await api.deliveries(leaving)
            return found if not found["enabled"] else None

        after_gone = await eventually(disabled_by_the_410)
        await api.cancel(order_id)
        await enabled.wait_count(2)
        off_found = await api.deliveries(off)
        gone_found = await api.deliveries(leaving)

    assert disabled.received == []
    assert off_found["deliveries"]["nodes"] == []
    assert after_gone["disabledReason"] == "the endpoint answered 410 Gone"
    [only] = gone_found["deliveries"]["nodes"]  # nothing new for the cancel
    assert (only["event"]["kind"], only["status"]) == ("CONFIRMED", "FAILED")
    assert len(gone.received) == 1
    assert [r.json()["type"] for r in enabled.received] == ["order.confirmed", "order.cancelled"]
    async with sessions() as session:
        rows = await session.scalar(
            sa.select(sa.func.count())
            .select_from(models.WebhookDelivery)
            .where(models.WebhookDelivery.endpoint_id == from_base64_id(off))
        )
    assert rows == 0


def from_base64_id(global_id: str) -> int:
    return int(from_base64(global_id)[1])


async def always_failing(database_url, api_for, until, **settings: Any) -> dict[str, Any]:
    """A receiver that always answers 500, against a server with tiny delays and limits."""
    given = webhook_settings(database_url, webhook_retry_base_s=0.05, **settings)
    async with (
        receiving([500] * 1000) as receiver,
        served(given) as url,
        api_for(url) as api,
    ):
        endpoint_id, _ = await api.endpoint(receiver.url, ["CONFIRMED"])
        await api.confirm(await api.order())

        async def reached() -> Any:
            found = await api.deliveries(endpoint_id)
            return found if until(found) else None

        found: dict[str, Any] = await eventually(reached)
    return found


async def test_past_the_retry_window_a_delivery_is_failed(database_url, api_for):
    found = await always_failing(
        database_url,
        api_for,
        lambda found: found["deliveries"]["nodes"][0]["status"] == "FAILED",
        webhook_retry_window_s=0.5,
    )
    [delivery] = found["deliveries"]["nodes"]
    attempts = delivery["attempts"]
    assert len(attempts) == delivery["attemptCount"]
    assert all(a["statusCode"] == 500 for a in attempts)
    # retried while a retry fell inside the window, never after
    assert [a["retryInMs"] is None for a in attempts] == [False] * (len(attempts) - 1) + [True]
    assert found["enabled"] is True


async def test_an_endpoint_failing_longer_than_allowed_is_disabled(database_url, api_for):
    found = await always_failing(
        database_url, api_for, lambda found: not found["enabled"], webhook_disable_after_s=0.3
    )
    assert found["disabledReason"] == (
        "failing for longer than WEBHOOK_DISABLE_AFTER_S without a success"
    )
    [delivery] = found["deliveries"]["nodes"]
    assert delivery["status"] == "PENDING"  # kept for when the endpoint is enabled again
    assert delivery["attemptCount"] >= 2


async def test_a_huge_answer_with_nul_bytes_is_kept_short_and_storable(database_url, api_for):
    answer = b"\x00ok" + b"x" * 5_000_000
    async with (
        receiving([500, 200], answer=answer) as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        endpoint_id, _ = await api.endpoint(receiver.url, ["CONFIRMED"])
        await api.confirm(await api.order())

        async def delivered() -> Any:
            [delivery] = (await api.deliveries(endpoint_id))["deliveries"]["nodes"]
            return delivery if delivery["status"] == "DELIVERED" else None

        delivery = await eventually(delivered)

    snippets = [attempt["responseSnippet"] for attempt in delivery["attempts"]]
    assert snippets == ["\ufffdok" + "x" * 997] * 2


async def test_two_endpoints_get_one_event_with_one_id_each_signed_with_its_own_secret(
    database_url, api_for
):
    async with (
        receiving() as first,
        receiving() as second,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        _, first_secret = await api.endpoint(first.url, ["CONFIRMED"])
        _, second_secret = await api.endpoint(second.url, ["CONFIRMED"])
        await api.confirm(await api.order())
        [one] = await first.wait_count(1)
        [other] = await second.wait_count(1)

    assert one.message_id == other.message_id
    assert one.body == other.body
    assert one.verified(first_secret) == other.verified(second_secret)
    try:
        other.verified(first_secret)
    except WebhookVerificationError:
        return
    raise AssertionError("one endpoint's secret verified the other's request")


async def test_a_delivery_that_cannot_be_rendered_backs_off_as_a_failed_attempt(
    database_url, api_for, partner, sessions
):
    async with (
        receiving() as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        endpoint_id, _ = await api.endpoint(receiver.url, ["CONFIRMED"])
        async with sessions() as session:
            session.add(
                models.WebhookDelivery(
                    endpoint_id=from_base64_id(endpoint_id),
                    company_id=partner.tenant.ids["Company"],
                    event_id=2_000_000_000,  # no such event
                    order_id=partner.tenant.ids["Order"],
                )
            )
            await session.commit()

        async def retried() -> Any:
            [delivery] = (await api.deliveries(endpoint_id))["deliveries"]["nodes"]
            return delivery if len(delivery["attempts"]) >= 2 else None

        delivery = await eventually(retried)

    assert receiver.received == []
    first, second = delivery["attempts"][:2]
    assert first["error"] == second["error"] == "not sent: event 2000000000 is gone"
    assert 0 < first["retryInMs"] < second["retryInMs"]


async def test_settled_deliveries_are_purged_after_the_retention_and_pending_ones_kept(
    database_url, api_for
):
    settings = webhook_settings(database_url, webhook_retention_s=0.5)
    async with (
        receiving() as fine,
        receiving([500] * 1000) as failing,
        served(settings) as url,
        api_for(url) as api,
    ):
        delivered_to, _ = await api.endpoint(fine.url, ["CONFIRMED"])
        retried_at, _ = await api.endpoint(failing.url, ["CONFIRMED"])
        await api.confirm(await api.order())
        await fine.wait_count(1)

        async def purged() -> bool:
            return (await api.deliveries(delivered_to))["deliveries"]["nodes"] == []

        await eventually(purged)
        kept = (await api.deliveries(retried_at))["deliveries"]["nodes"]

    assert len(fine.received) == 1  # purged, not sent again
    [pending] = kept
    assert pending["status"] == "PENDING"
