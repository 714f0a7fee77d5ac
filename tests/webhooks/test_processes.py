"""Webhooks from `orders-api serve` processes: a crash loses nothing, two processes share."""

from collections import defaultdict
from contextlib import AsyncExitStack

from tests.served import serve_command
from tests.webhooks.conftest import webhook_env
from tests.webhooks.receiver import receiving

KINDS = ["CREATED", "CONFIRMED", "CANCELLED"]


async def test_a_server_killed_after_the_commit_delivers_after_a_restart(
    database_url, api_for, tmp_path
):
    """The first process has no worker, so the kill lands between commit and delivery."""
    stopped = webhook_env(database_url, WEBHOOK_WORKER_ENABLED="false")
    async with receiving() as receiver:
        async with serve_command(stopped, tmp_path / "first.log") as (url, process):
            async with api_for(url) as api:
                _, secret = await api.endpoint(receiver.url, KINDS)
                order_id = await api.order()
                await api.confirm(order_id)
            process.kill()  # SIGKILL: no shutdown of any kind
            await process.wait()
        assert receiver.received == []
        async with serve_command(webhook_env(database_url), tmp_path / "second.log"):
            got = await receiver.wait_count(2)

    payloads = [request.verified(secret) for request in got]
    assert [p["data"]["event"]["kind"] for p in payloads] == ["CREATED", "CONFIRMED"]
    assert {p["data"]["order"]["id"] for p in payloads} == {order_id}


async def test_two_processes_deliver_each_event_once_and_each_orders_events_in_order(
    database_url, api_for, tmp_path
):
    orders = 8
    async with receiving(delay_s=0.02) as receiver, AsyncExitStack() as stack:
        env = webhook_env(database_url)
        urls = [
            (await stack.enter_async_context(serve_command(env, tmp_path / f"{n}.log")))[0]
            for n in range(2)
        ]
        apis = [await stack.enter_async_context(api_for(url)) for url in urls]
        endpoint_id, secret = await apis[0].endpoint(receiver.url, KINDS)
        for n in range(orders):
            api = apis[n % 2]
            order_id = await api.order()
            await api.confirm(order_id)
            await api.cancel(order_id)
        expected = orders * len(KINDS)
        await receiver.wait_for(lambda got: len({r.message_id for r in got}) >= expected)
        found = await apis[1].deliveries(endpoint_id)

    ids = [request.message_id for request in receiver.received]
    assert len(ids) == len(set(ids)) == expected  # a receiver answering 200 gets no copies
    assert sorted(ids) == sorted(d["messageId"] for d in found["deliveries"]["nodes"])
    arrived: dict[str, list[str]] = defaultdict(list)
    for request in receiver.received:
        payload = request.verified(secret)
        arrived[payload["data"]["order"]["id"]].append(payload["data"]["event"]["kind"])
    assert len(arrived) == orders
    assert all(kinds == KINDS for kinds in arrived.values()), arrived
