"""Inputs and payloads of the agent mutations."""

import strawberry

from graphql_schema.agents.types import Agent
from graphql_schema.clients.inputs import NewPartnerInput, PartnerChangesInput
from graphql_schema.errors import UserError


@strawberry.input(description="A new agent: a partner with the REPRESENTATIVE role.")
class CreateAgentInput(NewPartnerInput):
    also_client: bool = strawberry.field(
        default=False, description="Also give the partner the CLIENT role, so it can buy."
    )


@strawberry.input(description="Changes to an agent; omitted fields keep their value.")
class UpdateAgentInput(PartnerChangesInput):
    also_client: bool | None = strawberry.field(
        default=None,
        description="true adds the CLIENT role, false removes it (refused while orders name the "
        "partner as their client); omitted keeps the roles.",
    )


@strawberry.type(description="The agent a mutation wrote, or why nothing was written.")
class AgentPayload:
    agent: Agent | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
