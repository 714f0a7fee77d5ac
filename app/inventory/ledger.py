"""The inventory's operations on one session. Each is idempotent by key; none commits.

Every operation is computed under row locks as an effect (per product: change of on-hand and of
reserved), recorded under its key, then applied. A retried key is a no-op, and `undo` applies the
recorded effect in reverse, which is how a remote caller compensates a change that did not commit.
"""

from collections.abc import Collection, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.stock import InsufficientStock, Shortage, shortages
from db.models import StockItem
from db.queries import stock

Effect = dict[int, tuple[int, int]]  # product id -> (on-hand change, reserved change)


class UnknownProducts(Exception):
    """A movement named ids that are no product: the caller's mistake, not a shortage."""

    def __init__(self, product_ids: Collection[int]) -> None:
        self.product_ids = sorted(product_ids)
        super().__init__(f"no product with id {', '.join(map(str, self.product_ids))}")


class Ledger:
    """Stock never goes negative: shortages are checked under row locks, and CHECKs back it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def available(self, product_ids: Collection[int]) -> dict[int, int]:
        found = await stock.available(self.session, product_ids)
        return {product_id: found.get(product_id, 0) for product_id in product_ids}

    async def reserve(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Make the order hold exactly these quantities, or change nothing (InsufficientStock).

        A set, not an add: keys carry the order's version, so a reservation applied for an
        earlier version (a confirm that timed out, then an update) is replaced, never stacked.
        """
        held = await stock.held_quantities(self.session, order_id)
        items = await self._lock_known(quantities.keys(), also=held.keys())
        if await stock.movement_exists(self.session, key):
            return  # a retry: checking stock again would count its own units as taken
        held = await stock.held_quantities(self.session, order_id, lock=True)
        free = {p: items[p].on_hand - items[p].reserved + held.get(p, 0) for p in quantities}
        short = shortages(quantities, free)
        if short:
            raise InsufficientStock(short)
        changes = {p: quantities.get(p, 0) - held.get(p, 0) for p in {*quantities, *held}}
        effect = {p: (0, change) for p, change in changes.items() if change}
        await self._record(key, order_id, "reserve", effect)

    async def release(self, key: str, order_id: int) -> dict[int, int]:
        """Give back everything the order still holds; returns what was released."""
        held = await stock.held_quantities(self.session, order_id)
        await stock.lock_items(self.session, held.keys())
        held = await stock.held_quantities(self.session, order_id, lock=True)
        effect = {product_id: (0, -quantity) for product_id, quantity in held.items() if quantity}
        applied = await self._record(key, order_id, "release", effect)
        return {product_id: -change for product_id, (_, change) in applied.items()}

    async def consume(self, key: str, order_id: int, quantities: Mapping[int, int]) -> None:
        """Delivered units leave the stock; what the order held is used first."""
        items = await self._lock_known(quantities.keys())
        if await stock.movement_exists(self.session, key):
            return
        held = await stock.held_quantities(self.session, order_id, lock=True)
        effect: Effect = {}
        short = []
        for product_id, quantity in sorted(quantities.items()):
            from_hold = min(quantity, held.get(product_id, 0))
            free = items[product_id].on_hand - items[product_id].reserved
            if quantity - from_hold > free:
                short.append(Shortage(product_id, quantity, free + from_hold))
            effect[product_id] = (-quantity, -from_hold)
        if short:
            raise InsufficientStock(short)
        await self._record(key, order_id, "consume", effect)

    async def restock(self, key: str, order_id: int | None, quantities: Mapping[int, int]) -> None:
        """Returned (or received) units come back on hand."""
        await self._lock_known(quantities.keys())
        await self._record(key, order_id, "restock", {p: (q, 0) for p, q in quantities.items()})

    async def undo(self, key: str, order_id: int) -> None:
        """Reverse the movement recorded under `key` and forget the key, so a retry applies anew.

        Compensation for a remote caller whose own transaction failed after the movement.
        """
        effect = await stock.recorded_effect(self.session, key)
        if not effect:
            return
        await stock.lock_items(self.session, effect.keys())
        reverse = {
            product_id: (-on_hand, -reserved) for product_id, (on_hand, reserved) in effect.items()
        }
        await stock.apply_effect(self.session, order_id, reverse)
        await stock.forget_movement(self.session, key)

    async def set_on_hand(self, product_id: int, on_hand: int) -> None:
        """A stock count: refused below what is reserved, since that is promised to orders."""
        item = (await self._lock_known([product_id]))[product_id]
        if on_hand < item.reserved:
            raise InsufficientStock([Shortage(product_id, item.reserved, on_hand)])
        item.on_hand = on_hand
        await self.session.flush()

    async def _lock_known(
        self, product_ids: Collection[int], *, also: Collection[int] = ()
    ) -> dict[int, StockItem]:
        """Lock the items of `product_ids` (and `also`, in one product-ordered pass).

        Only catalogue products get an item; any of `product_ids` without one is refused.
        """
        items = await stock.lock_items(self.session, {*product_ids, *also})
        unknown = set(product_ids) - items.keys()
        if unknown:
            raise UnknownProducts(unknown)
        return items

    async def _record(self, key: str, order_id: int | None, kind: str, effect: Effect) -> Effect:
        """Claim the key and apply the effect; a key seen before applies nothing."""
        if not await stock.claim_movement(
            self.session, key, order_id=order_id, kind=kind, effect=effect
        ):
            return {}
        await stock.apply_effect(self.session, order_id, effect)
        return effect
