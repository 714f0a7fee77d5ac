"""Mutation root: order, stock and catalog mutations, each bound in its own module."""

import strawberry

from graphql_schema.machinery.input_values import refuse_unstorable_values
from resolvers.roots.bulk_mutation import BulkMutation
from resolvers.roots.bulk_operation_mutation import BulkOperationMutation
from resolvers.roots.catalog_mutation import CatalogMutation
from resolvers.roots.export_mutation import ExportMutation
from resolvers.roots.inventory_mutation import InventoryMutation
from resolvers.roots.order_mutation import OrderMutation
from resolvers.roots.status_mutation import StatusMutation
from resolvers.roots.sync_mutation import SyncMutation
from resolvers.roots.webhook_mutation import WebhookMutation


@strawberry.type
class Mutation(
    OrderMutation,
    BulkMutation,
    BulkOperationMutation,
    InventoryMutation,
    CatalogMutation,
    ExportMutation,
    SyncMutation,
    StatusMutation,
    WebhookMutation,
):
    pass


refuse_unstorable_values(Mutation, checked_per_item={"bulk_import_orders", "batch_update_orders"})
