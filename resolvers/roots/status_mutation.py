"""Status catalogs: an admin maps a company's own status ids onto ours."""

import strawberry

from graphql_schema.permissions import Admin
from graphql_schema.statuses.types import SetStatusMappingPayload
from resolvers.statuses.set_status_mapping import set_status_mapping


@strawberry.type
class StatusMutation:
    set_status_mapping: SetStatusMappingPayload = strawberry.mutation(
        permission_classes=[Admin],
        resolver=set_status_mapping,
        description="Set a company's own remote id and label for one order or line status;"
        " orderStatuses and lineStatuses show them, and imports accept the order status by that"
        " remote id (statusRemoteId).",
    )
