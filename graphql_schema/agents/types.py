"""Agent: a business partner with the REPRESENTATIVE role, the sales rep on orders."""

import strawberry
from strawberry import relay

from db import models
from graphql_schema.clients.types import Partner
from graphql_schema.rows import RowNode


@strawberry.type(description="A sales representative (REPRESENTATIVE role) of a company.")
class Agent(RowNode, Partner):
    model = models.Partner

    id: relay.NodeID[int]
