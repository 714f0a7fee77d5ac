"""Bulk mutations: import orders from another system, batch lifecycle changes, quick-order lists."""

import strawberry

from graphql_schema.orders.bulk import BatchUpdateOrdersPayload, BulkImportOrdersPayload
from graphql_schema.orders.quick_order_inputs import SetQuickOrderSuggestionsPayload
from graphql_schema.permissions import BulkWrite, OrderWrite
from resolvers.orders.batch_update_orders import batch_update_orders
from resolvers.orders.bulk_import_orders import bulk_import_orders
from resolvers.orders.set_quick_order_suggestions import set_quick_order_suggestions


@strawberry.type
class BulkMutation:
    bulk_import_orders: BulkImportOrdersPayload = strawberry.mutation(
        permission_classes=[BulkWrite],
        resolver=bulk_import_orders,
        description="Import up to 1,000 orders from another system (an ERP), identified by"
        " company, source and external id, with a result per order. Idempotent: sending the"
        " same payload again creates nothing and reports UNCHANGED; a changed order is UPDATED"
        " (lines replaced) and its history gets an IMPORTED event naming the changed fields."
        " Statuses are taken as history: no transition is checked and no stock moves. A refused"
        " order changes nothing and does not stop the others.",
    )
    batch_update_orders: BatchUpdateOrdersPayload = strawberry.mutation(
        permission_classes=[BulkWrite],
        resolver=batch_update_orders,
        description="Confirm, deliver, return and cancel up to 1,000 orders in one call. Each"
        " item runs in its own transaction exactly as its single mutation would (stock"
        " included), with a result per item; a refused item does not undo the others.",
    )
    set_quick_order_suggestions: SetQuickOrderSuggestionsPayload = strawberry.mutation(
        permission_classes=[OrderWrite],
        resolver=set_quick_order_suggestions,
        description="Replace a client's quick-order list: products (by code) suggested for a"
        " one-click re-order, with display, quantity and rank. Client.quickOrderSuggestions"
        " returns it by rank.",
    )
