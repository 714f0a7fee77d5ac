"""The seam to inventory: order writes call this port; the stock issue plugs a real one in."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StockLine:
    product_id: int
    product_code: str
    quantity: int


class StockPort(Protocol):
    async def check_available(self, lines: Sequence[StockLine]) -> None:
        """Raise OutOfStock (naming each short product) or InventoryUnavailable."""

    async def reserve(self, order_id: int, lines: Sequence[StockLine]) -> None:
        """Hold stock for a confirmed order; a second call for the same order changes nothing."""

    async def release(self, order_id: int) -> None:
        """Give back what the order holds and did not deliver."""

    async def consume(self, order_id: int, delivered: Mapping[int, int]) -> None:
        """Delivered units (by product id) leave the stock for good."""

    async def restock(self, order_id: int, returned: Mapping[int, int]) -> None:
        """Returned units (by product id) come back on hand."""


class UntrackedStock:
    """Stock that is not tracked: every check passes and movements are not recorded.

    The default until an inventory is configured; it keeps the order flow runnable alone.
    """

    async def check_available(self, lines: Sequence[StockLine]) -> None:
        return None

    async def reserve(self, order_id: int, lines: Sequence[StockLine]) -> None:
        return None

    async def release(self, order_id: int) -> None:
        return None

    async def consume(self, order_id: int, delivered: Mapping[int, int]) -> None:
        return None

    async def restock(self, order_id: int, returned: Mapping[int, int]) -> None:
        return None
