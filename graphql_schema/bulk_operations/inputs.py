"""Inputs and payloads of the background job mutations."""

import strawberry
from strawberry import relay

from graphql_schema.bulk_operations.types import BulkOperation
from graphql_schema.errors import UserError
from graphql_schema.orders.bulk import ImportOrderInput


@strawberry.input(description="Orders to import in the background; as bulkImportOrders, bigger.")
class StartBulkImportInput:
    orders: list[ImportOrderInput]


@strawberry.input(description="Which job to stop.")
class CancelBulkOperationInput:
    id: relay.GlobalID


@strawberry.type(description="The job as it is now, or why it was not started.")
class BulkOperationPayload:
    bulk_operation: BulkOperation | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
