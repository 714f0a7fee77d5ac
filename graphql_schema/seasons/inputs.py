"""Inputs and payloads of the season mutations."""

from datetime import date

import strawberry
from strawberry import relay

from graphql_schema.errors import UserError
from graphql_schema.seasons.types import Season

_CODE = "Season code such as SS25: 1-32 letters, digits, '.', '_', '/' or '-'; unique per company."
_DESCRIPTION = "What people call the season, such as 'Spring-Summer 2025'; not blank."
_DATES = "ISO date (YYYY-MM-DD); endsOn may not be before startsOn."


@strawberry.input(description="A new selling period of a company.")
class CreateSeasonInput:
    company_id: relay.GlobalID = strawberry.field(
        description="The company the season belongs to (one of yours); it cannot change later."
    )
    code: str = strawberry.field(description=_CODE)
    description: str = strawberry.field(description=_DESCRIPTION)
    starts_on: date | None = strawberry.field(default=None, description=_DATES)
    ends_on: date | None = strawberry.field(default=None, description=_DATES)
    external_id: str | None = strawberry.field(default=None, description="The ERP's id.")


@strawberry.input(description="Changes to a season; omitted fields keep their value.")
class UpdateSeasonInput:
    id: relay.GlobalID = strawberry.field(description="The Season to change.")
    code: str | None = strawberry.field(default=None, description=_CODE)
    description: str | None = strawberry.field(default=None, description=_DESCRIPTION)
    starts_on: date | None = strawberry.field(
        default=None, description=f"{_DATES} Checked against the stored endsOn when omitted."
    )
    ends_on: date | None = strawberry.field(
        default=None, description=f"{_DATES} Checked against the stored startsOn when omitted."
    )
    external_id: str | None = None


@strawberry.type(description="The season a mutation wrote, or why nothing was written.")
class SeasonPayload:
    season: Season | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
