"""Season: an optional selling period (fashion B2B)."""

from datetime import date

import strawberry
from strawberry import relay

from app.context import Info
from db import graph, models
from graphql_schema.companies.types import Company
from graphql_schema.linked import follow
from graphql_schema.rows import RowNode


@strawberry.type(description="A selling period, such as a fashion season.")
class Season(RowNode):
    model = models.Season

    id: relay.NodeID[int]
    code: str
    external_id: str | None
    description: str
    starts_on: date | None
    ends_on: date | None
    company_id: strawberry.Private[int]

    @strawberry.field
    async def company(self, info: Info) -> Company | None:
        return await follow(info, Company, graph.SEASON_COMPANY, self)
