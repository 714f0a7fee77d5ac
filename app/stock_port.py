"""The order side's door to the inventory: one protocol, reached in process or over HTTP.

Keys make every movement idempotent, so a retried call changes nothing the second time.
"""

from collections.abc import Collection, Mapping
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.inventory.ledger import Ledger


class StockPort(Protocol):
    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        """Units available per product, in one batched call."""

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Hold the quantities for the order, all or none; InsufficientStock when short."""

    async def release(self, key: str, order_id: int) -> None:
        """Give back whatever the order still holds."""

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Delivered units leave the stock."""

    async def restock(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Returned units come back on hand."""

    async def undo(self, key: str, order_id: int) -> None:
        """Compensation: reverse the movement `key` when its order change did not commit."""

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        """A stock count for one product."""


class InProcessStock:
    """The inventory in this process, on the request's own session and transaction.

    A failed order change rolls its stock movements back with it: nothing needs compensating.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._ledger = Ledger(session)

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        return await self._ledger.available(product_ids)

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._ledger.reserve(key, order_id, quantities)

    async def release(self, key: str, order_id: int) -> None:
        await self._ledger.release(key, order_id)

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._ledger.consume(key, order_id, quantities)

    async def restock(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        await self._ledger.restock(key, order_id, quantities)

    async def undo(self, key: str, order_id: int) -> None:
        return None  # the rollback of the shared transaction already reversed it

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        await self._ledger.set_on_hand(product_id, on_hand)
