"""The order side's HTTP client of the inventory service: same protocol as in process."""

from collections.abc import Collection, Mapping
from typing import Any

import httpx

from app.domain.stock import InsufficientStock, Shortage

AVAILABILITY_BATCH = 1000  # what /v1/availability takes in one request


class HttpStock:
    """The inventory service over HTTP.

    Transport errors and 5xx answers raise httpx errors (the breaker counts them); a 409
    OUT_OF_STOCK is an answer, raised as InsufficientStock.
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        """In batches of what one request may carry."""
        ids, found = sorted(product_ids), {}
        for start in range(0, len(ids), AVAILABILITY_BATCH):
            batch = ids[start : start + AVAILABILITY_BATCH]
            answer = await self._post("/v1/availability", {"productIds": batch})
            found.update({int(k): v for k, v in answer["available"].items()})
        return found

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._post("/v1/reserve", _movement(key, order_id, quantities))

    async def release(self, key: str, order_id: int) -> None:
        await self._post("/v1/release", _movement(key, order_id, {}))

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._post("/v1/consume", _movement(key, order_id, quantities))

    async def restock(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._post("/v1/restock", _movement(key, order_id, quantities))

    async def undo(self, key: str, order_id: int) -> None:
        await self._post("/v1/undo", _movement(key, order_id, {}))

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        response = await self._client.put(f"/v1/stock/{product_id}", json={"onHand": on_hand})
        _raise_for(response)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self._client.post(path, json=body)
        _raise_for(response)
        answer: dict[str, Any] = response.json()
        return answer


def _movement(key: str, order_id: int, quantities: Mapping[int, int]) -> dict[str, Any]:
    return {
        "key": key,
        "orderId": order_id,
        "quantities": {str(k): v for k, v in quantities.items()},
    }


def _raise_for(response: httpx.Response) -> None:
    if response.status_code == 409:
        shortages = response.json().get("shortages", [])
        raise InsufficientStock(
            [Shortage(s["productId"], s["requested"], s["available"]) for s in shortages]
        )
    response.raise_for_status()
