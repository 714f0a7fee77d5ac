"""Season: an optional selling period (fashion B2B)."""

from datetime import date

import strawberry
from strawberry import relay

from db import graph, models
from graphql_schema.companies.types import Company
from graphql_schema.linked import linked
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

    company = linked(graph.SEASON_COMPANY, Company)
