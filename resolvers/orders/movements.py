"""What deliveries and returns share: the lines as the domain sees them, and writing a plan."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from app.context import AppContext
from app.domain.deliveries import LineMovement, LineQuantities, line_status, movement_day
from app.domain.stock import StockLine
from db import models
from db.queries import order_writes


def day_moved(order: models.Order, given: date | None, now: datetime) -> date:
    """The delivery's or return's day, within the order's life.

    Both inputs call it `date` in GraphQL (delivered_on and returned_on in Python).
    """
    return movement_day(given, ordered_on=order.ordered_at.date(), today=now.date(), path=("date",))


class OrderLines:
    """An order's locked lines next to the domain's view of their quantities."""

    def __init__(self, rows: list[models.OrderLine], views: list[LineQuantities]) -> None:
        self.rows = rows
        self.views = views
        self._by_id = {row.id: row for row in rows}
        self._codes = {view.line_id: view.product_code for view in views}

    @classmethod
    async def load(cls, ctx: AppContext, order: models.Order) -> "OrderLines":
        rows = await order_writes.lines_of(ctx.session, order.id)
        codes = await order_writes.product_codes(ctx.session, {row.product_id for row in rows})
        views = [
            LineQuantities(
                line_id=row.id,
                product_code=codes[row.product_id],
                units=row.units,
                ordered=row.quantity,
                delivered=row.delivered_quantity,
                returned=row.returned_quantity,
            )
            for row in rows
        ]
        return cls(rows, views)

    def items(self, movements: Sequence[LineMovement]) -> list[tuple[models.OrderLine, int]]:
        return [(self._by_id[line_id], quantity) for line_id, quantity in movements]

    def write(self, updated: Sequence[LineQuantities]) -> None:
        """Copy the domain's new quantities and statuses onto the rows."""
        for view in updated:
            row = self._by_id[view.line_id]
            row.delivered_quantity = view.delivered
            row.returned_quantity = view.returned
            row.status = line_status(view)

    def describe(self, movements: Sequence[LineMovement]) -> list[dict[str, Any]]:
        """JSON-ready items for the order's history."""
        return [
            {
                "line": self._by_id[line_id].position,
                "productCode": self._codes[line_id],
                "units": self._by_id[line_id].units,
                "quantity": quantity,
            }
            for line_id, quantity in movements
        ]

    def stock_lines(self, movements: Sequence[LineMovement]) -> list[StockLine]:
        return [
            StockLine(self._by_id[line_id].product_id, self._codes[line_id], quantity)
            for line_id, quantity in movements
        ]
