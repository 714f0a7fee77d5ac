"""acknowledgeOrderChanges: an integration's checkpoint moves forward to the cursor it names."""

from app.context import AppContext, Info
from app.domain.errors import DomainErrors, Invalid
from app.domain.sync import integration_errors
from db.models import SyncCheckpoint
from db.pagination import PageArgumentError
from db.queries import sync_checkpoints
from graphql_schema.sync.types import AcknowledgeOrderChangesInput, AcknowledgeOrderChangesPayload
from resolvers.outcome import in_transaction
from resolvers.sync.checkpoints import FEED, checkpoint_type


async def acknowledge_order_changes(
    info: Info, input: AcknowledgeOrderChangesInput
) -> AcknowledgeOrderChangesPayload:
    ctx = info.context
    row, errors = await in_transaction(ctx.session, lambda: acknowledge(ctx, input))
    if row is None:
        return AcknowledgeOrderChangesPayload(errors=errors)
    return AcknowledgeOrderChangesPayload(checkpoint=checkpoint_type(row))


async def acknowledge(ctx: AppContext, input: AcknowledgeOrderChangesInput) -> SyncCheckpoint:
    errors = integration_errors(input.integration, ("integration",))
    try:
        position = FEED.decode(input.up_to, "upTo")
    except PageArgumentError as refused:
        errors.append(Invalid(f"not an orderChanges cursor ({refused})", path=("up_to",)))
    if errors:
        raise DomainErrors(errors)
    return await sync_checkpoints.acknowledge(
        ctx.session, key_id=ctx.principal.key_id, integration=input.integration, up_to=position
    )
