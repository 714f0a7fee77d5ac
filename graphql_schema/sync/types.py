"""Sync checkpoints as clients see them, and the state of one order for one integration."""

from datetime import datetime

import strawberry

from graphql_schema.errors import UserError


@strawberry.type(description="How far an integration of your API key has acknowledged changes.")
class SyncCheckpoint:
    integration: str
    up_to: str = strawberry.field(
        description="The orderChanges cursor acknowledged; orderChanges continues after it."
    )
    acknowledged_at: datetime


@strawberry.type(description="What one integration of your API key was sent of this order.")
class OrderSyncState:
    integration: str
    last_sent_at: datetime = strawberry.field(
        description="When orderChanges last delivered this order to the integration."
    )
    acknowledged_at: datetime | None = strawberry.field(
        description="When the integration acknowledged the version it was sent; null while the"
        " latest version sent is unacknowledged."
    )


@strawberry.input(description="Everything up to this cursor has reached the integration.")
class AcknowledgeOrderChangesInput:
    integration: str = strawberry.field(description='Your name for the integration, e.g. "erp".')
    up_to: str = strawberry.field(description="An endCursor (or edge cursor) of orderChanges.")


@strawberry.type(description="The checkpoint as stored now, or why it did not move.")
class AcknowledgeOrderChangesPayload:
    checkpoint: SyncCheckpoint | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
