"""Delivery and return arithmetic: which line moves how many units, and what is left."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from app.domain.errors import DomainError, DomainErrors, Invalid
from app.domain.vocabulary import LineStatus


@dataclass(frozen=True, slots=True)
class LineQuantities:
    """The counts of one order line that deliveries and returns care about."""

    line_id: int
    product_code: str
    units: int  # units per package; the same product may be sold in several packagings
    ordered: int
    delivered: int
    returned: int

    @property
    def pending(self) -> int:
        return self.ordered - self.delivered

    @property
    def returnable(self) -> int:
        return self.delivered - self.returned


class RequestedItem(Protocol):
    """One item of a partial delivery or a return, as the client sent it (Nilo's shape)."""

    @property
    def product_code(self) -> str: ...

    @property
    def units(self) -> int | None: ...

    @property
    def quantity(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Item:
    product_code: str
    units: int | None  # None matches the product in any packaging
    quantity: int


class LineMovement(NamedTuple):
    line_id: int
    quantity: int


_ZONE_SLACK = timedelta(days=1)


def movement_day(
    given: date | None, *, ordered_on: date, today: date, path: tuple[str, ...]
) -> date:
    """The day goods moved: today unless given, never before the order nor in the future.

    Days are UTC here and the client's calendar may be a day off either way, hence the slack.
    """
    if given is None:
        return today
    if given < ordered_on - _ZONE_SLACK:
        raise Invalid(f"must not be before the order date {ordered_on.isoformat()}", path=path)
    if given > today + _ZONE_SLACK:
        raise Invalid(f"must not be in the future (today is {today.isoformat()})", path=path)
    return given


def pending_units(lines: Sequence[LineQuantities]) -> int:
    """Units ordered but not yet delivered; returns do not reopen a line."""
    return sum(line.pending for line in lines)


def line_status(line: LineQuantities) -> LineStatus:
    """OPEN until something is delivered, then PARTIALLY_DELIVERED until nothing is pending."""
    if line.delivered <= 0:
        return LineStatus.OPEN
    return LineStatus.DELIVERED if line.pending <= 0 else LineStatus.PARTIALLY_DELIVERED


def plan_delivery(
    lines: Sequence[LineQuantities], items: Sequence[RequestedItem]
) -> list[LineMovement]:
    """Turn a partial delivery by product into quantities per line, or refuse all of it.

    An item may span several lines of the same product; they fill in line order. Raises
    DomainErrors with every violation, so a client fixes its request in one round trip.
    """
    return _plan(lines, items, room=lambda line: line.pending, verb="deliver", left="pending")


def plan_complete_delivery(lines: Sequence[LineQuantities]) -> list[LineMovement]:
    """Deliver everything still pending ("complete": true)."""
    movements = [LineMovement(line.line_id, line.pending) for line in lines if line.pending > 0]
    if not movements:
        raise DomainErrors([Invalid("nothing is left to deliver on this order", path=("id",))])
    return movements


def plan_return(
    lines: Sequence[LineQuantities], items: Sequence[RequestedItem]
) -> list[LineMovement]:
    """Like plan_delivery, but bounded by what was delivered and not yet returned (cumulative)."""
    return _plan(
        lines,
        items,
        room=lambda line: line.returnable,
        verb="return",
        left="delivered and not returned",
    )


def apply_delivery(
    lines: Sequence[LineQuantities], movements: Sequence[LineMovement]
) -> list[LineQuantities]:
    """The lines as they will be once the planned delivery is recorded."""
    moved = _by_line(movements)
    return [replace(line, delivered=line.delivered + moved.get(line.line_id, 0)) for line in lines]


def apply_return(
    lines: Sequence[LineQuantities], movements: Sequence[LineMovement]
) -> list[LineQuantities]:
    """The lines as they will be once the planned return is recorded."""
    moved = _by_line(movements)
    return [replace(line, returned=line.returned + moved.get(line.line_id, 0)) for line in lines]


def _by_line(movements: Sequence[LineMovement]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for line_id, quantity in movements:
        totals[line_id] = totals.get(line_id, 0) + quantity
    return totals


def _plan(
    lines: Sequence[LineQuantities],
    items: Sequence[RequestedItem],
    *,
    room: Callable[[LineQuantities], int],
    verb: str,
    left: str,
) -> list[LineMovement]:
    """Shared by deliveries and returns: match, check against what is left, collect every error."""
    if not items:
        raise DomainErrors([Invalid(f"give at least one item to {verb}", path=("items",))])
    # what each line can still take; earlier items of the same request use it up
    remaining = {line.line_id: room(line) for line in lines}
    errors: list[DomainError] = []
    movements: list[LineMovement] = []
    for i, item in enumerate(items):
        matching = [line for line in lines if _matches(line, item)]
        if item.quantity <= 0:
            errors.append(Invalid("quantity must be positive", path=("items", i, "quantity")))
        if not matching:
            errors.append(Invalid(_no_line_message(item), path=("items", i, "productCode")))
        if item.quantity <= 0 or not matching:
            continue
        available = sum(remaining[line.line_id] for line in matching)
        if item.quantity > available:
            message = f"cannot {verb} {item.quantity} of {_describe(item)}: only {available} {left}"
            errors.append(Invalid(message, path=("items", i, "quantity")))
            continue
        movements.extend(_fill(matching, remaining, item.quantity))
    if errors:
        raise DomainErrors(errors)
    return movements


def _fill(
    matching: Sequence[LineQuantities], remaining: dict[int, int], quantity: int
) -> list[LineMovement]:
    movements: list[LineMovement] = []
    for line in matching:
        take = min(quantity, remaining[line.line_id])
        if take > 0:
            movements.append(LineMovement(line.line_id, take))
            remaining[line.line_id] -= take
            quantity -= take
    return movements


def _matches(line: LineQuantities, item: RequestedItem) -> bool:
    return line.product_code == item.product_code and item.units in (None, line.units)


def _describe(item: RequestedItem) -> str:
    if item.units is None:
        return f"product {item.product_code}"
    return f"product {item.product_code} (units {item.units})"


def _no_line_message(item: RequestedItem) -> str:
    return f"this order has no line for {_describe(item)}"
