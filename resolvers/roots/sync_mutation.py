"""Sync checkpoints: an integration acknowledges the changes it has received."""

import strawberry

from graphql_schema.permissions import OrderRead
from graphql_schema.sync.types import AcknowledgeOrderChangesPayload
from resolvers.sync.acknowledge_order_changes import acknowledge_order_changes


@strawberry.type
class SyncMutation:
    acknowledge_order_changes: AcknowledgeOrderChangesPayload = strawberry.mutation(
        permission_classes=[OrderRead],
        resolver=acknowledge_order_changes,
        description="Move an integration's checkpoint to a cursor orderChanges gave: the next"
        " orderChanges(integration) starts after it. Checkpoints belong to the API key; each"
        " integration name has its own. An older cursor than the stored one changes nothing.",
    )
