"""Agent: a business partner with the REPRESENTATIVE role, the sales rep on orders."""

from typing import Any

import strawberry
from strawberry import relay

from app.context import Info
from app.domain.vocabulary import PartnerRole
from db import models
from graphql_schema.clients.types import Partner
from graphql_schema.rows import RowNode


@strawberry.type(description="A sales representative (REPRESENTATIVE role) of a company.")
class Agent(RowNode, Partner):
    model = models.Partner

    id: relay.NodeID[int]

    @classmethod
    def is_one(cls, row: Any, info: Info) -> bool:
        return PartnerRole.REPRESENTATIVE.value in row.roles
