"""The stock policy: which requested products are short, and how the client is told."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.errors import DomainError, InputPath, OutOfStock


@dataclass(frozen=True, slots=True)
class StockLine:
    """What one order line asks of the stock."""

    product_id: int
    product_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Shortage:
    product_id: int
    requested: int
    available: int


class InsufficientStock(Exception):
    """The inventory refused: some products do not have enough available."""

    def __init__(self, shortages: Sequence[Shortage]) -> None:
        super().__init__(", ".join(f"{s.product_id}: {s.available}" for s in shortages))
        self.shortages = list(shortages)


def requested_per_product(lines: Sequence[StockLine]) -> dict[int, int]:
    """Several lines may ask for the same product; the stock sees their sum."""
    totals: Counter[int] = Counter()
    for line in lines:
        totals[line.product_id] += line.quantity
    return dict(totals)


def shortages(requested: Mapping[int, int], available: Mapping[int, int]) -> list[Shortage]:
    """Products asked for in larger quantity than is available (a product with no stock has 0)."""
    return [
        Shortage(product_id, quantity, max(available.get(product_id, 0), 0))
        for product_id, quantity in sorted(requested.items())
        if quantity > available.get(product_id, 0)
    ]


def out_of_stock_errors(
    lines: Sequence[StockLine], short: Sequence[Shortage], path: InputPath = ("lines",)
) -> list[DomainError]:
    """One OUT_OF_STOCK per short product, naming what is available.

    With the default path each error points at the product's first input line
    (`lines.2.quantity`); any other path is used as it is, for changes that take no lines.
    """
    first_line: dict[int, tuple[int | None, str]] = {}
    for position, line in enumerate(lines):
        first_line.setdefault(line.product_id, (position, line.product_code))
    errors: list[DomainError] = []
    for shortage in short:
        i, code = first_line.get(shortage.product_id, (None, str(shortage.product_id)))
        at = (*path, i, "quantity") if path == ("lines",) and i is not None else path
        message = f"product {code}: {shortage.requested} requested, {shortage.available} available"
        errors.append(OutOfStock(message, path=at))
    return errors
