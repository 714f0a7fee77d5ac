"""updateAgent: lock, check everything at once, change, answer. Omitted fields keep their value."""

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import models
from graphql_schema.agents.inputs import AgentPayload, UpdateAgentInput
from graphql_schema.agents.types import Agent
from graphql_schema.rows import from_row
from resolvers.clients.update_client import change_partner, locked_partner
from resolvers.outcome import in_transaction


async def update_agent(info: Info, input: UpdateAgentInput) -> AgentPayload:
    ctx = info.context

    async def work() -> models.Partner:
        row = await locked_partner(ctx, input.id, PartnerRole.REPRESENTATIVE)
        return await change_partner(
            ctx, row, input, PartnerRole.REPRESENTATIVE, input.also_client, []
        )

    row, errors = await in_transaction(ctx.session, work)
    if row is not None:
        ctx.loaders.after_write(models.Partner, row)
    return AgentPayload(agent=from_row(Agent, row) if row else None, errors=errors)
