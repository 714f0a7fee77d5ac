"""The outbox's backlog and the attempts' outcomes, as /metrics reports them."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.served import served
from tests.webhooks.conftest import webhook_settings
from tests.webhooks.receiver import receiving
from tests.webhooks.test_delivery import eventually


def figure(text: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def scrape(url: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        return (await http.get("/metrics")).text


async def test_the_backlog_gauge_counts_pending_deliveries(database_url, api_for):
    held = webhook_settings(database_url, webhook_worker_enabled=False)
    async with receiving() as receiver, served(held) as url, api_for(url) as api:
        await api.endpoint(receiver.url, ["CREATED", "CONFIRMED"])
        before = figure(await scrape(url), "orders_api_webhook_deliveries_pending")
        await api.confirm(await api.order())
        after = figure(await scrape(url), "orders_api_webhook_deliveries_pending")
    assert after - before == 2


async def test_attempts_are_counted_by_outcome(database_url, api_for):
    async with (
        receiving([500, 200]) as receiver,
        served(webhook_settings(database_url)) as url,
        api_for(url) as api,
    ):
        before = await scrape(url)
        endpoint_id, _ = await api.endpoint(receiver.url, ["CONFIRMED"])
        await api.confirm(await api.order())

        async def delivered() -> bool:
            [delivery] = (await api.deliveries(endpoint_id))["deliveries"]["nodes"]
            return delivery["status"] == "DELIVERED"

        await eventually(delivered)
        after = await scrape(url)

    name = "orders_api_webhook_attempts_total"
    for outcome in ("retry", "delivered"):
        grown = figure(after, name, outcome=outcome) - figure(before, name, outcome=outcome)
        assert grown == 1, outcome
