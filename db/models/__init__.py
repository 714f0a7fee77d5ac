"""All tables; importing this module registers them on Base.metadata (Alembic reads it)."""

from db.models.api_key import ApiKey
from db.models.bulk_operation import BulkOperation, BulkOperationItem
from db.models.company import Company
from db.models.idempotency import IdempotentRequest
from db.models.order import Discount, Order, OrderLine
from db.models.order_event import OrderEvent
from db.models.order_export import OrderExport
from db.models.partner import Address, Partner
from db.models.pending_undo import PendingUndo
from db.models.product import PaymentMethod, Product, Season
from db.models.quick_order import QuickOrderSuggestion
from db.models.shipment import Delivery, DeliveryItem, Return, ReturnItem
from db.models.status_mapping import StatusMapping
from db.models.stock import StockItem, StockMovement, StockReservation
from db.models.sync_checkpoint import OrderSyncState, SyncCheckpoint
from db.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Address",
    "ApiKey",
    "BulkOperation",
    "BulkOperationItem",
    "Company",
    "Delivery",
    "DeliveryItem",
    "Discount",
    "IdempotentRequest",
    "Order",
    "OrderEvent",
    "OrderExport",
    "OrderLine",
    "OrderSyncState",
    "Partner",
    "PaymentMethod",
    "PendingUndo",
    "Product",
    "QuickOrderSuggestion",
    "Return",
    "ReturnItem",
    "Season",
    "StatusMapping",
    "StockItem",
    "StockMovement",
    "StockReservation",
    "SyncCheckpoint",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
