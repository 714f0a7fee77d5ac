"""createSeason: check everything at once, insert, answer."""

from app.context import Info
from app.domain.catalog import season_errors
from db import models
from db.queries.codes import save_checked
from graphql_schema.rows import from_row
from graphql_schema.seasons.inputs import CreateSeasonInput, SeasonPayload
from graphql_schema.seasons.types import Season
from resolvers.global_ids import optional_input_id
from resolvers.outcome import in_transaction

FIELDS = ("code", "description", "starts_on", "ends_on", "external_id")


async def create_season(info: Info, input: CreateSeasonInput) -> SeasonPayload:
    ctx = info.context
    scope = ctx.loaders.company_ids

    async def work() -> models.Season:
        errors = season_errors(input, input.starts_on, input.ends_on)
        company_id = optional_input_id(input.company_id, "Company", ("company_id",), errors)
        row = models.Season(company_id=company_id)
        return await save_checked(ctx.session, row, input, FIELDS, errors=errors, company_ids=scope)

    row, errors = await in_transaction(ctx.session, work)
    return SeasonPayload(season=from_row(Season, row) if row else None, errors=errors)
