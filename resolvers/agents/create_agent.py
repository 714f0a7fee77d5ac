"""createAgent: check everything at once, insert a partner with the REPRESENTATIVE role."""

from app.context import Info
from app.domain.vocabulary import PartnerRole
from graphql_schema.agents.inputs import AgentPayload, CreateAgentInput
from graphql_schema.agents.types import Agent
from graphql_schema.rows import from_row
from resolvers.clients.create_client import insert_partner
from resolvers.outcome import in_transaction


async def create_agent(info: Info, input: CreateAgentInput) -> AgentPayload:
    ctx = info.context
    row, errors = await in_transaction(
        ctx.session,
        lambda: insert_partner(ctx, input, PartnerRole.REPRESENTATIVE, input.also_client, []),
    )
    return AgentPayload(agent=from_row(Agent, row) if row else None, errors=errors)
