"""The inventory's operations on one session. Each is idempotent by key; none commits."""

from collections.abc import Collection, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.stock import InsufficientStock, Shortage, shortages
from db.queries import stock


class Ledger:
    """Stock never goes negative: the shortage check runs under row locks, the CHECKs back it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        found = await stock.available(self.session, product_ids)
        return {product_id: found.get(product_id, 0) for product_id in product_ids}

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Hold every quantity for the order, or none of them (InsufficientStock)."""
        if not await self._claim(key, order_id, "reserve", quantities):
            return
        items = await stock.lock_items(self.session, quantities.keys())
        free = {product_id: item.on_hand - item.reserved for product_id, item in items.items()}
        short = shortages(quantities, free)
        if short:
            raise InsufficientStock(short)
        for product_id, quantity in quantities.items():
            items[product_id].reserved += quantity
        await stock.add_held(self.session, order_id, quantities)
        await self.session.flush()

    async def release(self, key: str, order_id: int) -> dict[int, int]:
        """Give back everything the order still holds; returns what was released."""
        if not await self._claim(key, order_id, "release", {}):
            return {}
        held = await stock.held_by(self.session, order_id)
        items = await stock.lock_items(self.session, held.keys()) if held else {}
        released = {product_id: row.quantity for product_id, row in held.items() if row.quantity}
        for product_id, quantity in released.items():
            items[product_id].reserved -= quantity
            held[product_id].quantity = 0
        await self.session.flush()
        return released

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Delivered units leave the stock; what the order held is used first."""
        if not await self._claim(key, order_id, "consume", quantities):
            return
        held = await stock.held_by(self.session, order_id)
        items = await stock.lock_items(self.session, quantities.keys())
        short = []
        for product_id, quantity in sorted(quantities.items()):
            item = items[product_id]
            from_hold = min(quantity, held[product_id].quantity) if product_id in held else 0
            unheld_free = item.on_hand - item.reserved
            if quantity - from_hold > unheld_free:
                short.append(Shortage(product_id, quantity, unheld_free + from_hold))
                continue
            item.on_hand -= quantity
            item.reserved -= from_hold
            if from_hold:
                held[product_id].quantity -= from_hold
        if short:
            raise InsufficientStock(short)
        await self.session.flush()

    async def restock(self, key: str, order_id: int | None, quantities: Mapping[int, int]) -> None:
        """Returned (or received) units come back on hand."""
        if not await self._claim(key, order_id, "restock", quantities):
            return
        items = await stock.lock_items(self.session, quantities.keys())
        for product_id, quantity in quantities.items():
            items[product_id].on_hand += quantity
        await self.session.flush()

    async def undo_reserve(self, key: str, order_id: int) -> None:
        """Take back the reservation made under `key` and forget the key, so a retry can reserve.

        Compensation for a remote caller whose own transaction failed after reserving.
        """
        quantities = await stock.forget_movement(self.session, key)
        if not quantities:
            return
        held = await stock.held_by(self.session, order_id)
        items = await stock.lock_items(self.session, quantities.keys())
        for product_id, quantity in quantities.items():
            taken = min(quantity, held[product_id].quantity) if product_id in held else 0
            items[product_id].reserved -= taken
            if taken:
                held[product_id].quantity -= taken
        await self.session.flush()

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        """A stock count: refused below what is reserved, since that is promised to orders."""
        item = (await stock.lock_items(self.session, [product_id]))[product_id]
        if on_hand < item.reserved:
            raise InsufficientStock([Shortage(product_id, item.reserved, on_hand)])
        item.on_hand = on_hand
        await self.session.flush()

    async def _claim(
        self, key: str, order_id: int | None, kind: str, quantities: Mapping[int, int]
    ) -> bool:
        return await stock.claim_movement(
            self.session,
            key,
            order_id=order_id,
            kind=kind,
            quantities={str(product_id): q for product_id, q in quantities.items()},
        )
