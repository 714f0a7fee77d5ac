"""The order state machine: which action may run in which status. The only place that decides it."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.errors import InvalidTransition
from app.domain.vocabulary import OrderStatus


class Action(StrEnum):
    UPDATE = "update"
    CONFIRM = "confirm"
    SHIP = "ship"
    DELIVER = "deliver"
    RETURN = "return"
    CANCEL = "cancel"
    DELETE = "delete"


# API.md's lifecycle table, in code. Creation has no "from" status, so it is not an action here.
ALLOWED_FROM: dict[Action, frozenset[OrderStatus]] = {
    Action.UPDATE: frozenset({OrderStatus.PENDING}),
    # confirming again is allowed on CONFIRMED, and only moves the estimated delivery date
    Action.CONFIRM: frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED}),
    Action.SHIP: frozenset({OrderStatus.CONFIRMED}),
    Action.DELIVER: frozenset(
        {OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.PARTIALLY_DELIVERED}
    ),
    Action.RETURN: frozenset({OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED}),
    # "any status before DELIVERED"
    Action.CANCEL: frozenset(
        {
            OrderStatus.PENDING,
            OrderStatus.CONFIRMED,
            OrderStatus.SHIPPED,
            OrderStatus.PARTIALLY_DELIVERED,
        }
    ),
    Action.DELETE: frozenset({OrderStatus.PENDING, OrderStatus.CANCELLED}),
}


# Confirmed and not fully delivered: the statuses in which an order holds reserved stock.
HOLDS_STOCK: frozenset[OrderStatus] = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.PARTIALLY_DELIVERED}
)


def ensure_allowed(action: Action, current: OrderStatus) -> None:
    """Refuse the action unless the table allows it; the message names the current status.

    The path points at the order id: the order as a whole, not a field, is in the wrong state.
    """
    if current not in ALLOWED_FROM[action]:
        raise InvalidTransition(f"cannot {action} an order that is {current}", path=("id",))


def allowed_actions(status: OrderStatus) -> frozenset[Action]:
    """What a client may do next, e.g. to expose on the order so front ends can grey out buttons."""
    return frozenset(action for action, allowed in ALLOWED_FROM.items() if status in allowed)


def status_after_delivery(pending_units: int) -> OrderStatus:
    """An order stays PARTIALLY_DELIVERED until no unit is left to deliver."""
    if pending_units < 0:
        # deliveries.plan_* never over-deliver, so a negative count is a bug, not a client error
        raise ValueError(f"pending units cannot be negative: {pending_units}")
    return OrderStatus.DELIVERED if pending_units == 0 else OrderStatus.PARTIALLY_DELIVERED


@dataclass(frozen=True, slots=True)
class Transition:
    """Where an action takes an order: its new status and the moments to record with it."""

    status: OrderStatus
    # the order's timestamp columns to set, e.g. {"shipped_at": now}; empty when none moves
    stamps: dict[str, datetime] = field(default_factory=dict)


def transition(
    action: Action, current: OrderStatus, now: datetime, *, pending_units: int | None = None
) -> Transition:
    """The status change `action` makes from `current` (refused as ensure_allowed refuses).

    Confirming a CONFIRMED order again keeps it and its confirmation time; a delivery ends
    PARTIALLY_DELIVERED or DELIVERED by the units still pending (`pending_units`).
    """
    ensure_allowed(action, current)
    if action is Action.CONFIRM:
        if current is OrderStatus.CONFIRMED:
            return Transition(current)
        return Transition(OrderStatus.CONFIRMED, {"confirmed_at": now})
    if action is Action.SHIP:
        return Transition(OrderStatus.SHIPPED, {"shipped_at": now})
    if action is Action.DELIVER:
        if pending_units is None:
            raise ValueError("a delivery's transition needs the units still pending")
        status = status_after_delivery(pending_units)
        stamps = {"delivered_at": now} if status is OrderStatus.DELIVERED else {}
        return Transition(status, stamps)
    if action is Action.CANCEL:
        return Transition(OrderStatus.CANCELLED, {"cancelled_at": now})
    return Transition(current)  # update and return keep the status; delete removes the order
