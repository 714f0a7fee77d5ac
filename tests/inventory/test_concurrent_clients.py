"""Two hundred clients at once against a served order side and a real inventory service.

With the inventory up, none of them may be told INVENTORY_UNAVAILABLE: calls beyond what the
guard lets through at once wait in its queue, which is no failure of the inventory. The
timeouts here are generous: the subject is sizing, not speed.
"""

import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys import issue_key
from app.inventory.http_app import create_inventory_app
from app.settings import Settings
from tests.inventory.conftest import Uvicorn
from tests.served import served

CLIENTS = 200
CREATE = """mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } errors { code message } }
}"""


async def test_two_hundred_concurrent_orders_get_no_false_inventory_refusal(
    database_url, engine, make_shop
):
    shop = await make_shop([CLIENTS * 10])
    async with AsyncSession(engine) as session:
        key = await issue_key(session, name="crowd", company_codes=None, scopes=["admin"])
    inventory = await Uvicorn(create_inventory_app(database_url, engine=engine)).start()
    settings = Settings(
        database_url=database_url,
        inventory_url=inventory.url,
        inventory_max_connections=16,  # fewer than the clients: most of them queue here
        inventory_call_timeout_s=60,
        db_pool_timeout_s=60,
        bulk_worker_enabled=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    try:
        async with (
            served(settings) as url,
            httpx.AsyncClient(
                base_url=url,
                headers={"authorization": f"Bearer {key.plain}"},
                timeout=120,
                limits=httpx.Limits(max_connections=CLIENTS),
            ) as http,
        ):

            async def place() -> list[str]:
                body = {
                    "query": CREATE,
                    "variables": {"input": shop.create_input([(shop.products[0], 1)])},
                }
                answer = (await http.post("/graphql", json=body)).json()
                payload = answer["data"]["createOrder"]
                return [e["code"] for e in payload["errors"]] + [
                    e["extensions"]["code"] for e in answer.get("errors", [])
                ]

            codes = await asyncio.gather(*(place() for _ in range(CLIENTS)))
    finally:
        await inventory.stop()

    assert codes == [[]] * CLIENTS
