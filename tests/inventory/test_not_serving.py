"""An inventory whose database is down answers a quick 503, which the breaker does not count.

So a short database restart costs refusals only while it lasts, not the breaker's reset timeout.
"""

import httpx
import pytest

from app.domain.errors import InventoryUnavailable
from app.inventory.http_app import create_inventory_app
from app.inventory.http_client import HttpStock
from app.stock_guard import NOT_SERVING, GuardedStock, InventoryGuard
from db.engine import make_engine
from tests.inventory.conftest import Uvicorn
from tests.served import free_port


async def test_an_inventory_without_its_database_answers_503_and_the_breaker_stays_closed():
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none"  # nothing listens
    engine = make_engine(nowhere, pool_size=1)
    server = await Uvicorn(create_inventory_app(nowhere, engine=engine)).start()
    guard = InventoryGuard(fail_max=1, reset_timeout_s=3600, call_timeout_s=30)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            raw = await http.post("/v1/availability", json={"productIds": [1]})
            stock = GuardedStock(HttpStock(http), guard)
            with pytest.raises(InventoryUnavailable) as refused:
                await stock.available([1])
    finally:
        await server.stop()
        await engine.dispose()

    assert raw.status_code == 503
    assert raw.headers["retry-after"] == "1"
    assert raw.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert str(refused.value) == NOT_SERVING
    assert guard.state == "closed"  # fail_max=1: one counted failure would have opened it
