"""The status catalogs an ERP maps its own codes onto: every status and what it means."""

from enum import StrEnum

from app.domain.vocabulary import LineStatus, OrderStatus


class StatusKind(StrEnum):
    ORDER = "ORDER"
    LINE = "LINE"


ORDER_STATUSES: dict[str, str] = {
    OrderStatus.PENDING: "Taken, not confirmed yet; it can still be changed or deleted.",
    OrderStatus.CONFIRMED: "Confirmed: its stock is reserved.",
    OrderStatus.SHIPPED: "On its way to the client.",
    OrderStatus.PARTIALLY_DELIVERED: "Some units delivered, some still pending.",
    OrderStatus.DELIVERED: "Every unit delivered.",
    OrderStatus.CANCELLED: "Cancelled, with a reason; undelivered stock released.",
}
LINE_STATUSES: dict[str, str] = {
    LineStatus.OPEN: "Nothing delivered yet.",
    LineStatus.PARTIALLY_DELIVERED: "Some units of the line delivered.",
    LineStatus.DELIVERED: "Every unit of the line delivered.",
    LineStatus.CANCELLED: "Cancelled before delivery.",
}
CATALOGS = {StatusKind.ORDER: ORDER_STATUSES, StatusKind.LINE: LINE_STATUSES}
