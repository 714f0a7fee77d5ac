"""Mutation root: order, stock and reference-data mutations, each bound in its own module."""

import strawberry

from graphql_schema.bulk_mutation import BulkMutation
from graphql_schema.bulk_operation_mutation import BulkOperationMutation
from graphql_schema.input_values import refuse_unstorable_values
from graphql_schema.inventory_mutation import InventoryMutation
from graphql_schema.order_mutation import OrderMutation
from graphql_schema.reference_mutation import ReferenceMutation
from graphql_schema.webhook_mutation import WebhookMutation


@strawberry.type
class Mutation(
    OrderMutation,
    BulkMutation,
    BulkOperationMutation,
    InventoryMutation,
    ReferenceMutation,
    WebhookMutation,
):
    pass


refuse_unstorable_values(Mutation, checked_per_item={"bulk_import_orders", "batch_update_orders"})
